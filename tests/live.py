"""The app served for real on a loopback port, and a headless Chromium, for tests of
clients that speak HTTP (a generated client, Swagger UI, the network map); and the app
under the production server with its shipped configuration (`gunicorn.conf.py`)."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from crm import create_app, schema
from crm.database import db
from crm.http.auth import create_api_key
from crm.models.enums import ApiRole

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Flags without which Chromium reaches out to the closed network at every start.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


@contextmanager
def served(
    url: str, role: ApiRole, prepare: Callable[[Session], None] = lambda _session: None
) -> Iterator[tuple[str, str]]:
    """(base URL, key of `role`) of the app on a migrated database at `url`, after
    `prepare` has filled it (committed)."""
    app, key = prepared(url, role, prepare)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", key
    finally:
        server.shutdown()
        thread.join()
        db.dispose(app)


def prepared(
    url: str, role: ApiRole, prepare: Callable[[Session], None] = lambda _session: None
) -> tuple:
    """(app, key of `role`) on the database at `url`, migrated and filled by `prepare`."""
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    with Session(app.extensions["crm.engine"]) as session:
        prepare(session)
        _, key = create_api_key(session, f"live-{uuid.uuid4().hex[:6]}", role)
        session.commit()
    return app, key


@contextmanager
def gunicorn(environment: dict[str, str], log: Path, *options: str) -> Iterator[str]:
    """The app under gunicorn with `gunicorn.conf.py`, `environment` added to this
    process's, everything it prints in `log`; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", *options, "wsgi:app"]
    with log.open("ab") as output:
        server = subprocess.Popen(
            command, env=os.environ | environment, stdout=output, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_ready(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn ended with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def refused_by_the_policy(driver) -> list[str]:
    """What the Content-Security-Policy refused since the console was last read."""
    messages = (entry["message"] for entry in driver.get_log("browser"))
    return [m for m in messages if "Content Security Policy" in m]


def require_chromium() -> None:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        message = f"Chromium and chromedriver are needed at {CHROMIUM} and {CHROMEDRIVER}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@contextmanager
def chromium(profile: Path, window: str, **capabilities) -> Iterator:
    """A headless Chromium driven by Selenium, with a new profile in `profile`; its
    console is kept (`refused_by_the_policy`)."""
    require_chromium()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    logging = {"browser": "ALL"} | capabilities.pop("goog:loggingPrefs", {})
    for name, value in (capabilities | {"goog:loggingPrefs": logging}).items():
        options.set_capability(name, value)
    for argument in (*CHROMIUM_FLAGS, f"--window-size={window}", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()

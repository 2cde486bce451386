"""The app served for real on a loopback port, and a headless Chromium, for tests of
clients that speak HTTP (a generated client, Swagger UI, the network map)."""

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from crm import create_app, schema
from crm.auth import create_api_key
from crm.database import db
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
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    with Session(app.extensions["crm.engine"]) as session:
        prepare(session)
        _, key = create_api_key(session, f"live-{uuid.uuid4().hex[:6]}", role)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", key
    finally:
        server.shutdown()
        thread.join()
        db.dispose(app)


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

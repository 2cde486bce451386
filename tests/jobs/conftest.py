"""Workers as they run in production: `flask crm worker` processes on a database of
their own with committed data, and the queue's real store: a SQLite file next to a
SQLite database, Redis next to PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from crm import create_app, schema
from crm.database import db
from tests.conftest import temporary_postgres_database

REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
EVERYTHING_OFF = {
    name: "off"
    for name in (
        "CRM_SCHEDULE_EXPORTS",
        "CRM_SCHEDULE_NETWORK_REFRESH",
        "CRM_SCHEDULE_WEBHOOKS",
        "CRM_SCHEDULE_RETENTION",
        "CRM_SCHEDULE_IDEMPOTENCY_PURGE",
    )
}


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis is unreachable at {REDIS_URL}")


@pytest.fixture
def environment(database_url, tmp_path) -> Iterator[dict[str, str]]:
    """The environment of the API and its workers: a migrated database of their own
    (SQLite or PostgreSQL, as the test's) and its queue (SQLite, or Redis)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    base = {"CRM_INSTANCE_PATH": str(instance), **EVERYTHING_OFF}
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{instance / 'crm.sqlite3'}"
        schema.upgrade(url)
        yield base | {"DATABASE_URL": url}
        return
    require_redis()
    name = f"crm-test-{uuid.uuid4().hex[:8]}"
    with temporary_postgres_database() as url:
        schema.upgrade(url)
        yield base | {"DATABASE_URL": url, "CRM_QUEUE_URL": REDIS_URL, "CRM_QUEUE_NAME": name}
    make_queue_of(base | {"CRM_QUEUE_URL": REDIS_URL, "CRM_QUEUE_NAME": name}).flush()


def make_queue_of(environment: dict[str, str]):
    from crm.jobs.queue import make_queue

    url = environment.get("CRM_QUEUE_URL")
    if url is None:
        url = f"sqlite:///{Path(environment['CRM_INSTANCE_PATH']) / 'queue.sqlite3'}"
    return make_queue(url, environment.get("CRM_QUEUE_NAME", "crm"))


@pytest.fixture
def app_of(monkeypatch) -> Iterator[Callable]:
    """`app_of(environment)`: the app as the workers see it, for preparing and looking."""
    made = []

    def make(environment: dict[str, str]):
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        made.append(create_app())
        return made[-1]

    yield make
    for app in made:
        db.dispose(app)


@contextmanager
def worker(environment: dict[str, str], log: Path, *options: str) -> Iterator[subprocess.Popen]:
    """`flask crm worker` in a process of its own; stopped with SIGINT at the end."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "crm", "worker", *options]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, env=os.environ | environment, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition: Callable[[], object], seconds: float = 30, what: str = "it") -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s for {what}")

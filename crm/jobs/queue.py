"""The task queue: one huey per app, built from `CRM_QUEUE_URL`.

huey, because it runs on what a municipality has: by default on a SQLite file of its own
in the instance folder (no service to run), in production on Redis, where a job is taken
from the list by one atomic pop, so by one worker of any number on any machine; and its
consumer has periodic tasks (cron expressions) built in. (The README compares it with
dramatiq, rq, procrastinate and celery.)

Features declare their jobs with `@job("name")` and their periodic work with
`@periodic("name", "CRM_SCHEDULE_...")`; `init_app` registers each with the app's queue,
to run in an app context of its own (a session of its own, closed at its end). A periodic
task holds a lock on the queue's store while it runs, so that the copies every worker's
scheduler enqueues (each worker has its scheduler) do not run side by side; each one is
safe to run twice anyway.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)
JOBS: dict[str, Callable[..., Any]] = {}
PERIODIC: dict[str, tuple[str, Callable[[], Any]]] = {}
# A periodic task's lock outlives a worker killed while holding it only this long.
PERIODIC_LOCK_SECONDS = 15 * 60


def job(name: str) -> Callable[[Callable], Callable]:
    """Declare a job: `enqueue(name, *args)` runs it on a worker."""

    def declare(function: Callable) -> Callable:
        JOBS[name] = function
        return function

    return declare


def periodic(name: str, schedule_setting: str) -> Callable[[Callable], Callable]:
    """Declare periodic work, run when the cron expression in the app's config
    `schedule_setting` says (`off`: never)."""

    def declare(function: Callable) -> Callable:
        PERIODIC[name] = (schedule_setting, function)
        return function

    return declare


def make_queue(url: str, name: str = "crm") -> Huey:
    """`sqlite:///path` or `redis://host:6379/0` (`rediss://` with TLS)."""
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url.removeprefix("sqlite:///"), utc=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, utc=False)
    raise ValueError(f"CRM_QUEUE_URL: 'sqlite:///...' or 'redis://...', not {url[:20]!r}")


def store_name(url: str) -> str:
    """`sqlite` or `redis`: which store, never its address or password."""
    return "sqlite" if url.startswith("sqlite") else "redis"


def parse_schedule(expression: str) -> Callable | None:
    """A cron expression of five fields (minute hour day month weekday, in the server's
    local time), or `off`."""
    if expression.strip().lower() == "off":
        return None
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r}: five fields (minute hour day month weekday), or 'off'")
    minute, hour, day, month, weekday = fields
    return crontab(minute, hour, day, month, weekday, strict=True)


def init_app(app: Flask) -> None:
    queue = make_queue(app.config["CRM_QUEUE_URL"], app.config["CRM_QUEUE_NAME"])
    app.extensions["crm.queue"] = queue
    app.extensions["crm.jobs"] = {
        name: queue.task(name=name)(_in_app_context(app, function))
        for name, function in JOBS.items()
    }
    for name, (setting, function) in PERIODIC.items():
        schedule = parse_schedule(app.config[setting])
        if schedule is not None:
            locked = _alone(queue, name, _in_app_context(app, function))
            queue.periodic_task(schedule, name=name)(locked)


def enqueue(name: str, *args: Any) -> None:
    current_app.extensions["crm.jobs"][name](*args)


def queue() -> Huey:
    return current_app.extensions["crm.queue"]


def _in_app_context(app: Flask, function: Callable) -> Callable:
    @wraps(function)
    def run(*args: Any) -> Any:
        with app.app_context():
            return function(*args)

    return run


def _alone(queue: Huey, name: str, function: Callable) -> Callable:
    @wraps(function)
    def run() -> Any:
        key = f"periodic-lock:{name}"
        if not _lock(queue, key):
            log.info("periodic task %s: running on another worker already", name)
            return None
        try:
            return function()
        finally:
            queue.delete(key)

    return run


def _lock(queue: Huey, key: str) -> bool:
    """Takes the lock `key` on the queue's store. A lock older than PERIODIC_LOCK_SECONDS
    (its worker was killed) is taken over; huey's own locks expire on Redis only."""
    if queue.put_if_empty(key, time.time() + PERIODIC_LOCK_SECONDS):
        return True
    expires = queue.get(key, peek=True)
    if expires is not None and expires > time.time():
        return False
    queue.delete(key)
    return queue.put_if_empty(key, time.time() + PERIODIC_LOCK_SECONDS)

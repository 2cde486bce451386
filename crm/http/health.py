"""/healthz (the process answers) and /readyz (database reachable, schema at head, the
task queue's store reachable: without it nothing periodic runs and no job can be queued)."""

import sqlite3

import redis
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from crm.database import db
from crm.errors import problem_response
from crm.jobs.queue import queue, store_name
from crm.schema import is_at_head

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    return {"status": "ok"}


@health.get("/readyz")
def readyz():
    try:
        at_head = is_at_head(db.session.connection())
    except SQLAlchemyError:
        current_app.logger.warning("readiness check: database unreachable")
        return problem_response(503, "Service unavailable", "The database is unreachable.")
    if not at_head:
        return problem_response(
            503, "Service unavailable", "The database schema is not at the latest migration."
        )
    store = store_name(current_app.config["CRM_QUEUE_URL"])
    try:
        queued = queue().pending_count()
    except (redis.RedisError, sqlite3.Error, OSError):
        current_app.logger.warning("readiness check: the queue's store is unreachable")
        return problem_response(
            503, "Service unavailable", f"The task queue's store ({store}) is unreachable."
        )
    return {"status": "ready", "queue": {"store": store, "queued": queued}}

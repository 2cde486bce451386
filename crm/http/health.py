"""/healthz (the process answers) and /readyz (database reachable, schema at head)."""

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from crm.database import db
from crm.errors import problem_response
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
    return {"status": "ready"}

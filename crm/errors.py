"""Domain exceptions and the one place that turns every error into RFC 9457 problem+json."""

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, g, json, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from crm.database import db

log = logging.getLogger("crm.errors")
E = TypeVar("E", bound=Exception)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error the client can act on. Subclasses fix the status and title."""

    status = 400
    title = "Bad request"
    type = "about:blank"

    def __init__(
        self, detail: str, *, errors: dict | None = None, headers: dict | None = None, **extra
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class InvalidInput(Problem):
    status = 422
    title = "Validation failed"
    type = "urn:crm:problem:validation-failed"


class NotFound(Problem):
    status = 404
    title = "Not found"


class Merged(Problem):
    """A record merged into another (410 Gone): the body names the survivor."""

    status = 410
    title = "Gone"
    type = "urn:crm:problem:merged"


class Gone(Problem):
    """A record whose personal data was erased (DSGVO Art. 17): only a tombstone is left."""

    status = 410
    title = "Gone"
    type = "urn:crm:problem:erased"


class Referenced(Problem):
    status = 409
    title = "Still referenced"
    type = "urn:crm:problem:still-referenced"


class Conflict(Problem):
    status = 409
    title = "Conflict"
    type = "urn:crm:problem:conflict"


class LikelyDuplicate(Conflict):
    """Creating a record that very likely exists: the body lists the candidates."""

    title = "Likely duplicate"
    type = "urn:crm:problem:likely-duplicate"


class PreconditionRequired(Problem):
    status = 428
    title = "Precondition required"
    type = "urn:crm:problem:if-match-required"


class PreconditionFailed(Problem):
    status = 412
    title = "Precondition failed"
    type = "urn:crm:problem:stale-etag"


class BadRequest(Problem):
    status = 400
    title = "Bad request"
    type = "urn:crm:problem:bad-request"


class UnsupportedMediaType(Problem):
    status = 415
    title = "Unsupported media type"


class Unauthorized(Problem):
    status = 401
    title = "Unauthorized"


class InvalidToken(Unauthorized):
    """A key or token was sent but is not valid (RFC 6750's `error="invalid_token"`)."""

    def __init__(self, detail: str):
        challenge = 'Bearer realm="crm", error="invalid_token"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(Problem):
    status = 403
    title = "Forbidden"


class TooManyRequests(Problem):
    """Carries `Retry-After` in its headers."""

    status = 429
    title = "Too many requests"
    type = "urn:crm:problem:rate-limited"


class ServiceUnavailable(Problem):
    status = 503
    title = "Service unavailable"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    body = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": g.get("request_id"),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def _flatten(messages: dict | list, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"field.sub": ["message", ...]}`."""
    if isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            return {prefix or "_schema": messages}
        flat: dict[str, list[str]] = {}
        for item in messages:
            flat.update(_flatten(item, prefix))
        return flat
    flat = {}
    for key, value in messages.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    # The exception's own headers too: a 405's `Allow`, a 416's `Content-Range`.
    own = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    headers = own | dict(data.get("headers") or {})
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="crm"')
    if messages:
        # webargs: {"json": {...}} or {"query": {...}}. The parser answers 400 for a bad
        # query string or malformed JSON, 422 for a body that fails validation.
        errors: dict[str, list[str]] = {}
        for location_messages in messages.values():
            errors.update(_flatten(location_messages))
        invalid_body = error.code == 422
        return problem_response(
            error.code,
            InvalidInput.title if invalid_body else "Bad request",
            "The request body is invalid." if invalid_body else "The request is malformed.",
            type_=InvalidInput.type if invalid_body else "urn:crm:problem:bad-request",
            errors=errors,
            headers=headers,
        )
    return problem_response(
        error.code or 500,
        error.name,
        data.get("message") or error.description or error.name,
        headers=headers,
    )


def _problem(error: Problem) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="crm"'} if error.status == 401 else {}
    return problem_response(
        error.status,
        error.title,
        error.detail,
        type_=error.type,
        errors=error.errors,
        headers=headers | error.headers,
        **error.extra,
    )


def _stale(_error: StaleDataError) -> Response:
    return _problem(PreconditionFailed("The record was changed by someone else; reload it."))


def _integrity(error: IntegrityError) -> Response:
    column = _column_of(error)
    errors = {column: ["This value is already taken or refers to nothing."]} if column else None
    return _problem(Conflict("The change conflicts with existing data.", errors=errors))


def _column_of(error: IntegrityError) -> str | None:
    """The column a unique or foreign-key violation concerns, where the driver tells."""
    diag = getattr(error.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    table = getattr(diag, "table_name", None)
    if constraint and table:
        # Our naming convention: uq_<table>_<column>, fk_<table>_<column>_<referred>
        rest = constraint.split(f"{table}_", 1)[-1]
        return rest
    message = str(error.orig)
    if "UNIQUE constraint failed: " in message:
        return message.split("UNIQUE constraint failed: ", 1)[1].split(".", 1)[-1].split(",")[0]
    return None


# SQLite's lock wait ran out; PostgreSQL's serialization failure, deadlock, lock timeout.
BUSY_STATES = {"40001", "40P01", "55P03"}


def _busy(error: OperationalError) -> Response:
    """The database could not take the write now: the client may retry it, unchanged."""
    orig = error.orig
    if "database is locked" not in str(orig) and getattr(orig, "sqlstate", None) not in BUSY_STATES:
        return _unexpected(error)
    log.warning("database busy", extra={"request_id": g.get("request_id")})
    busy = ServiceUnavailable("The database is busy; try again.", headers={"Retry-After": "1"})
    return _problem(busy)


def _unexpected(error: Exception) -> Response:
    # Engines are created with hide_parameters, so no row values reach the log.
    log.exception("unhandled error", extra={"request_id": g.get("request_id")})
    return problem_response(500, "Internal server error", "An unexpected error occurred.")


def _rolling_back(handler: Callable[[E], Response]) -> Callable[[E], Response]:
    """Any error undoes the request's writes before it is answered."""

    @functools.wraps(handler)
    def handle(error: E) -> Response:
        db.rollback()
        return handler(error)

    return handle


def register_error_handlers(app: Flask) -> None:
    for error_class, handler in (
        (HTTPException, _http_exception),
        (Problem, _problem),
        (StaleDataError, _stale),
        (IntegrityError, _integrity),
        (OperationalError, _busy),
        (Exception, _unexpected),
    ):
        app.register_error_handler(error_class, _rolling_back(handler))

"""`Idempotency-Key` on POST: a repeated request gets the first one's response.

A client that did not hear back (a timeout, a dropped connection) sends the same POST
again with the same key; it is not carried out again. The key is reserved in the
request's own transaction and its response stored in it before the one commit at the
HTTP boundary (`crm.database`), so a key is stored if and only if the change is, always
with its response. The same key with another request is a 422; a repeat while the first
request is still running (its reservation not yet committed) is a 409. Keys are the
caller's own and are kept for `KEEP`; `flask crm idempotency purge` (scheduled work)
deletes expired ones, and storing a key deletes up to `PURGE_BATCH` of them on the way.

A stored response can hold personal data (the body of `POST /contacts`). Erasing a person
drops every stored response that names them (`forget_responses_naming`); a repeat of such
a request answers 410 and is still not carried out again.
"""

import hashlib
import json
import uuid
from datetime import timedelta

from flask import Response, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from crm.database import db
from crm.errors import BadRequest, Conflict, Gone, Problem
from crm.http.patterns import Pattern
from crm.models import IdempotentRequest
from crm.models.base import utcnow

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
# More than one key expires per key stored only after a burst: each store catches up a bit.
PURGE_BATCH = 100
VALID_KEY = Pattern(r"^[\x21-\x7e]{1,255}$")
# What a repeat needs to look like the first answer.
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Any unique string (a UUID, say) to make the POST safe to repeat: the "
    "same key with the same body returns the first response (with "
    "`Idempotent-Replayed: true`) and changes nothing; the same key with another body is "
    "a 422, a repeat while the first is still running a 409. "
    f"Kept for {KEEP.total_seconds() / 3600:.0f} hours.",
    "schema": VALID_KEY.schema(maxLength=255),
}


class KeyReused(Problem):
    """The IETF draft's answer to a key sent again with another request."""

    status = 422
    title = "Idempotency-Key reused"
    type = "urn:crm:problem:idempotency-key-reused"


def begin() -> Response | None:
    """Before a POST view: answer a repeat, or reserve the key for this request."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not VALID_KEY.accepts(key):
        raise BadRequest(
            "Invalid Idempotency-Key.",
            errors={HEADER: ["Use 1 to 255 visible ASCII characters, such as a UUID."]},
        )
    actor = g.get("actor") or "anonymous"
    first = db.session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.actor == actor,
            IdempotentRequest.key == key,
            IdempotentRequest.created_at > utcnow() - KEEP,
        )
    )
    if first is not None:
        return _repeat(first)
    db.session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.actor == actor, IdempotentRequest.key == key
        )
    )
    purge_expired()
    _reserve(IdempotentRequest(actor=actor, key=key, fingerprint=_fingerprint()))
    return None


def purge_expired(limit: int = PURGE_BATCH) -> int:
    """Deletes the oldest expired keys, `limit` at most, and says how many. Rows another
    request is deleting are skipped (PostgreSQL), not waited for."""
    expired = (
        select(IdempotentRequest.id)
        .where(IdempotentRequest.created_at <= utcnow() - KEEP)
        .order_by(IdempotentRequest.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return db.session.execute(
        delete(IdempotentRequest)
        .where(IdempotentRequest.id.in_(expired.scalar_subquery()))
        .execution_options(synchronize_session=False)
    ).rowcount


def forget_responses_naming(record_id: uuid.UUID) -> int:
    """Drops every stored response that names the record (any response about a contact
    carries its id), keeping the key so that the request is not carried out again.
    Returns how many. The table holds about a day's keys, so the scan is short."""
    return db.session.execute(
        update(IdempotentRequest)
        .where(IdempotentRequest.response_body.contains(str(record_id)))
        .values(
            response_body=None,
            response_headers=None,
            personal_data_erased_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount


def _repeat(first: IdempotentRequest) -> Response:
    if first.fingerprint != _fingerprint():
        raise KeyReused(
            "This Idempotency-Key was used for another request; use a new key for this one.",
            errors={HEADER: ["Used before with another method, path or body."]},
        )
    if first.personal_data_erased_at is not None:
        raise Gone(
            "The response to the first request with this Idempotency-Key held personal data "
            f"that was erased on {first.personal_data_erased_at:%Y-%m-%d} (Art. 17 DSGVO); "
            "the request is not carried out again."
        )
    if first.status_code is None:
        raise Conflict("The first request with this Idempotency-Key is still running.")
    response = Response(first.response_body, status=first.status_code)
    response.headers.update(first.response_headers or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _reserve(reservation: IdempotentRequest) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(reservation)
    except IntegrityError:
        raise Conflict("The first request with this Idempotency-Key is still running.") from None
    g.idempotent_request = reservation


def finish(response: Response) -> Response:
    """After the view, before the request's commit: store its response with the
    reserved key. An error answer rolls the reservation back with everything else,
    and a view that rolled back (a dry run) has nothing to repeat either."""
    reservation = g.pop("idempotent_request", None)
    if reservation is None or reservation not in db.session or response.status_code >= 300:
        return response
    reservation.status_code = response.status_code
    reservation.response_headers = {
        name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers
    }
    reservation.response_body = response.get_data(as_text=True)
    return response


def _fingerprint() -> str:
    # With the query: `?dry_run=true` or `?resource=contacts` make another request.
    digest = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    if request.mimetype == "multipart/form-data":
        _digest_upload(digest)
        return digest.hexdigest()
    body = request.get_json(silent=True)
    content = (
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        if body is not None
        else request.get_data()
    )
    digest.update(content)
    return digest.hexdigest()


def _digest_upload(digest) -> None:
    """An upload by its fields and the files' contents, read in chunks: the multipart
    boundary differs from one upload of the same file to the next."""
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(f"{name}={value}\n".encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest.update(f"{name}:{upload.filename}\n".encode())
        while chunk := upload.stream.read(64 * 1024):
            digest.update(chunk)
        upload.stream.seek(0)

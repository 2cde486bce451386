"""Single records over HTTP: lookup, ETags, conditional writes (each recorded in the audit
trail, in the same transaction), and the 201 response."""

import uuid
from typing import Any, NoReturn, TypeVar

from flask import Response, request
from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from crm.database import db
from crm.errors import Gone, NotFound, PreconditionFailed, PreconditionRequired, Referenced
from crm.models import Contact
from crm.models.base import singular, utcnow
from crm.records import audit
from crm.records.merging import raise_if_merged
from crm.records.references import references_to
from crm.records.write_rules import apply_write_rules

T = TypeVar("T")


def etag(record: Any) -> str:
    return f"v{record.version}"


def item_response(record: T, status: int = 200) -> tuple[T, int, dict[str, str]]:
    headers = {"ETag": f'"{etag(record)}"'}
    if status == 201:
        headers["Location"] = f"{request.base_url.rstrip('/')}/{record.id}"
    return record, status, headers


def get_or_404(model: type[T], record_id: uuid.UUID, **owner: uuid.UUID) -> T:
    """The record with `record_id`; with `owner`, only if it belongs there
    (`get_or_404(Membership, id, steering_group_id=group_id)`)."""
    record = db.session.get(model, record_id)
    if record is None or any(getattr(record, k) != v for k, v in owner.items()):
        not_found(model, record_id)
    return record


def live_contact(contact_id: uuid.UUID) -> Contact:
    """The contact, unless it was erased: a tombstone answers 410 Gone (a merged one 410
    with its survivor, a missing one 404)."""
    contact = get_or_404(Contact, contact_id)
    if contact.erased_at is not None:
        raise Gone(
            f"The personal data of contact {contact_id} was erased on "
            f"{contact.erased_at:%Y-%m-%d} (Art. 17 DSGVO)."
        )
    return contact


def not_found(model: type, record_id: uuid.UUID) -> NoReturn:
    """404; 410 with a pointer to the survivor where the record was merged into another."""
    raise_if_merged(model, record_id)
    raise NotFound(f"There is no {singular(model.__tablename__).replace('_', ' ')} {record_id}.")


def check_if_match(record: Any) -> None:
    """The client must prove it saw the current version. The write itself repeats the
    check atomically (`WHERE version = ...`), so a concurrent change still gives 412."""
    if "If-Match" not in request.headers:
        raise PreconditionRequired("Send the ETag of the record you changed in 'If-Match'.")
    if not (request.if_match.star_tag or request.if_match.contains(etag(record))):
        raise PreconditionFailed(
            f'The record has changed since you read it; its ETag is now "{etag(record)}".'
        )


def create(model: type[T], data: dict[str, Any]) -> T:
    record = model(**data)
    # Nothing refers to a new record yet: its other lists of related records are empty,
    # known without asking the database (the response and the write rules read them).
    for relationship in inspect(model).relationships:
        if relationship.uselist and relationship.key not in data:
            set_committed_value(record, relationship.key, [])
    db.session.add(record)
    db.session.flush()
    audit.record_creation(record)
    apply_write_rules(record)
    return record


def update(record: T, changes: dict[str, Any]) -> T:
    """Apply a merge patch (absent = unchanged, None = cleared) and bump the version."""
    check_if_match(record)
    return apply_changes(record, changes)


def apply_changes(record: T, changes: dict[str, Any]) -> T:
    """`update` without If-Match, for writes that read the record in the same
    transaction (an import, a merge)."""
    with audit.recording_change(record, changes):
        for name, value in changes.items():
            setattr(record, name, value)
        # Touch the row even when only links changed, so that the version moves.
        record.updated_at = utcnow()
        db.session.flush()
    apply_write_rules(record)
    return record


def delete(record: Any) -> None:
    """Delete, unless other records still refer to this one (409 naming them)."""
    check_if_match(record)
    references = references_to(record)
    if references:
        raise Referenced(
            f"{len(references)} record(s) still refer to this one; archive it instead, "
            "or remove those references first.",
            references=references,
        )
    audit.record_deletion(record)
    db.session.delete(record)
    db.session.flush()


def answer_not_modified(response: Response) -> Response:
    """GET with a matching If-None-Match gets 304 and no body. (Asked only when the
    request has one: the servers add the Date header themselves.)"""
    if (
        "If-None-Match" in request.headers
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.get_etag()[0]
    ):
        response.make_conditional(request)
    return response

"""Erasure of a person's data (Recht auf Löschung, Art. 17 DSGVO).

The contact row stays as a tombstone without personal data, so that memberships, agreement
parties and meeting records keep an anonymous placeholder and the history of the bodies
stays true. Everything else about the person goes: the personal columns, the records the
contact owns (employments, consents), the values in the audit trail, the search columns,
the stored exports that hold the person (records and files), the responses kept for
repeated requests (`Idempotency-Key`) and the file names of the imports that wrote them.
Records merged into the contact are the same person: what names them goes too.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, Column, String, cast, or_, select

from crm.database import db
from crm.errors import NotFound
from crm.http import idempotency
from crm.models import AuditEvent, Contact, ImportRecord, MergedRecord
from crm.models.base import utcnow
from crm.models.enums import ContactStatus
from crm.records import audit
from crm.reports.export_runs import delete_run, runs_holding_contact

# What an import's file name becomes when it may have named an erased person.
ERASED_FILE_NAME = "erased"
# What a tombstone keeps: the pseudonymous id, bookkeeping, and the fact of the erasure.
TOMBSTONE_KEEPS = frozenset(
    {"id", "created_at", "updated_at", "version", "status", "legal_basis", "erased_at"}
)


@dataclass(frozen=True)
class Erasure:
    contact_id: uuid.UUID
    erased_at: datetime
    audit_events_blanked: int
    export_runs_deleted: int


def erase_contact(contact_id: uuid.UUID) -> Erasure:
    """Erase everything about the person; again for a tombstone, harmlessly (it only
    finds what may have been left, such as an export made in between)."""
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.")
    first_time = contact.erased_at is None
    if first_time:
        _make_tombstone(contact)
    ids = _ids_of_the_person(contact.id)
    _blank_import_file_names(ids)
    for record_id in ids:
        idempotency.forget_responses_naming(record_id)
    blanked = audit.erase_personal_data(db.session, contact.id)
    runs = runs_holding_contact(contact.id)
    for run in runs:
        delete_run(run)
    if first_time:
        audit.record_erasure(contact)
    db.session.flush()
    return Erasure(contact.id, contact.erased_at, blanked, len(runs))


def _import_id(actor: str) -> uuid.UUID | None:
    """The import named by an actor `import:<id>` (an API key may have a name like it)."""
    try:
        return uuid.UUID(actor.removeprefix("import:"))
    except ValueError:
        return None


def _make_tombstone(contact: Contact) -> None:
    for column in Contact.__table__.columns:
        if column.name not in TOMBSTONE_KEEPS:
            setattr(contact, column.key, _blank(column))
    contact.employments.clear()
    contact.consent_records.clear()
    contact.status = ContactStatus.archived
    contact.erased_at = utcnow()


def _blank(column: Column):
    if isinstance(column.type, JSON):
        return []
    return None if column.nullable else ""


def _ids_of_the_person(contact_id: uuid.UUID) -> set[uuid.UUID]:
    """The contact's id and the ids of the records merged into it, over any chain."""
    ids, new = set(), {contact_id}
    while new:
        ids |= new
        new = (
            set(
                db.session.scalars(select(MergedRecord.id).where(MergedRecord.survivor_id.in_(new)))
            )
            - ids
        )
    return ids


def _blank_import_file_names(ids: set[uuid.UUID]) -> None:
    """A file name may name the person (`Kontakte_Yilmaz.csv`): each import that wrote
    anything about them (the contact, or a record naming it) keeps only its extension."""
    about_the_person = or_(
        AuditEvent.data_subject_id.in_(ids),
        *(cast(AuditEvent.changes, String).contains(str(i)) for i in ids),
    )
    actors = select(AuditEvent.actor).where(
        AuditEvent.actor.startswith("import:"), about_the_person
    )
    import_ids = {_import_id(actor) for actor in db.session.scalars(actors)} - {None}
    for record in db.session.scalars(select(ImportRecord).where(ImportRecord.id.in_(import_ids))):
        record.file_name = ERASED_FILE_NAME + Path(record.file_name).suffix.lower()[:10]

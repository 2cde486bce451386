"""Erasure of a person's data (Recht auf Löschung, Art. 17 DSGVO).

The contact row stays as a tombstone without personal data, so that memberships, agreement
parties and meeting records keep an anonymous placeholder and the history of the bodies
stays true. Everything else about the person goes: the personal columns, the records the
contact owns (employments, consents), the values in the audit trail, the search columns
and the stored exports that hold the person.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, Column

from crm.database import db
from crm.errors import Gone, NotFound
from crm.models import Contact, ExportRun
from crm.models.base import utcnow
from crm.models.enums import ContactStatus
from crm.services import audit
from crm.services.export_runs import runs_holding_contact
from crm.services.merging import raise_if_merged

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


def live_contact(contact_id: uuid.UUID) -> Contact:
    """The contact, unless it was erased: a tombstone answers 410 Gone."""
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        raise_if_merged(Contact, contact_id)
        raise NotFound(f"There is no contact {contact_id}.")
    if contact.erased_at is not None:
        raise Gone(
            f"The personal data of contact {contact_id} was erased on "
            f"{contact.erased_at:%Y-%m-%d} (Art. 17 DSGVO)."
        )
    return contact


def erase_contact(contact_id: uuid.UUID) -> Erasure:
    """Erase everything about the person; again for a tombstone, harmlessly (it only
    finds what may have been left, such as an export made in between)."""
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.")
    first_time = contact.erased_at is None
    if first_time:
        _make_tombstone(contact)
    blanked = audit.erase_personal_data(db.session, contact.id)
    runs = runs_holding_contact(contact.id)
    for run in runs:
        _delete_export_run(run)
    if first_time:
        audit.record_erasure(contact)
    db.session.flush()
    return Erasure(contact.id, contact.erased_at, blanked, len(runs))


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


def _delete_export_run(run: ExportRun) -> None:
    """The run goes with its file, and a copy written to the export directory too."""
    delivered = Path(run.delivered_to or "")
    directory = Path(current_app.config["CRM_EXPORT_DIRECTORY"]).resolve()
    if delivered.is_absolute() and delivered.resolve().is_relative_to(directory):
        delivered.unlink(missing_ok=True)
    audit.record_deletion(run)
    db.session.delete(run)

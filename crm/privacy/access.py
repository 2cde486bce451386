"""Right of access (Auskunftsrecht, Art. 15 DSGVO): everything stored about a person, in
one document.

The rows that refer to the contact are found from the foreign keys themselves (as
`crm.records.references` does), so a new table that refers to contacts shows up here
without a change.
"""

import uuid
from collections import defaultdict
from typing import Any

from flask import current_app
from sqlalchemy import Table, or_, select

from crm.database import db
from crm.models import AuditEvent, Contact
from crm.models.base import utcnow
from crm.records.audit import as_json
from crm.records.references import foreign_keys_to
from crm.reports.export_runs import runs_holding_contact

# Derived copies of the names, kept for searching: the names themselves are in the document.
LEFT_OUT = frozenset({"search_text", "sort_name", "family_sound"})
EXPORT_RUN_FIELDS = ("id", "due_at", "status", "file_name", "delivered_to")


def personal_data(contact: Contact) -> dict[str, Any]:
    return {
        "generated_at": as_json(utcnow()),
        "controller": current_app.config["CRM_MUNICIPALITY_NAME"],
        "contact": _row(Contact.__table__, _as_mapping(contact)),
        "legal_basis_valid": contact.legal_basis_valid,
        "records": _referring_rows(contact.id),
        "audit_events": [
            _row(AuditEvent.__table__, row)
            for row in db.session.execute(
                select(AuditEvent.__table__)
                .where(AuditEvent.data_subject_id == contact.id)
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
            ).mappings()
        ],
        "stored_exports": [
            {name: as_json(getattr(run, name)) for name in EXPORT_RUN_FIELDS}
            for run in runs_holding_contact(contact.id)
        ],
    }


def _referring_rows(contact_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    """`{"memberships": [...], "employments": [...], ...}`: every row with a foreign key
    to this contact, by table."""
    links = defaultdict(list)
    for fk in foreign_keys_to(Contact.__table__):
        links[fk.parent.table].append(fk.parent == contact_id)
    found = {}
    for table, conditions in links.items():
        query = select(table).where(or_(*conditions)).order_by(*table.primary_key.columns)
        rows = [_row(table, row) for row in db.session.execute(query).mappings()]
        if rows:
            found[table.name] = rows
    return found


def _as_mapping(contact: Contact) -> dict[str, Any]:
    return {column.name: getattr(contact, column.key) for column in Contact.__table__.columns}


def _row(table: Table, row) -> dict[str, Any]:
    return {
        column.name: as_json(row[column.name])
        for column in table.columns
        if column.name not in LEFT_OUT
    }

"""Retention rules (Speicherfristen): when a contact's data is due for erasure.

- A contact whose roles have all ended (memberships, also as deputy; signatures of agreement
  parties; coordinating a steering group) is kept `CRM_RETENTION_YEARS_AFTER_LAST_ROLE`
  years after the last one ended.
- A contact who never had a role is kept `CRM_RETENTION_YEARS_WITHOUT_ROLE` years after
  the record was created.
- A contact whose consent was withdrawn is due at once (Art. 17 Abs. 1 lit. b DSGVO).
- While a role lasts, nothing is due.

The date is kept on the contact (`retain_until`). A review date (`review_on`) in the future
postpones the erasure: someone decided to look at the record again first.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from crm.database import db
from crm.models import Agreement, AgreementParty, Contact, Membership, SteeringGroup
from crm.privacy.erasure import erase_contact


@dataclass(frozen=True)
class Due:
    contact_id: uuid.UUID
    retain_until: date
    reason: str


def rules() -> dict[str, int]:
    config = current_app.config
    return {
        "years_after_last_role": config["CRM_RETENTION_YEARS_AFTER_LAST_ROLE"],
        "years_without_role": config["CRM_RETENTION_YEARS_WITHOUT_ROLE"],
    }


def role_spans() -> dict[uuid.UUID, list[date | None]]:
    """For each contact, when each of their roles ended (None: it lasts)."""
    queries = [
        select(Membership.contact_id, Membership.end_date),
        select(Membership.deputy_contact_id, Membership.end_date),
        select(
            AgreementParty.signatory_contact_id,
            func.coalesce(AgreementParty.left_on, Agreement.valid_until),
        ).join(Agreement),
        select(SteeringGroup.coordinating_contact_id, SteeringGroup.dissolved_on),
    ]
    ends = defaultdict(list)
    for query in queries:
        for contact_id, end in db.session.execute(query):
            if contact_id is not None:
                ends[contact_id].append(end)
    return ends


def retention_date(contact: Contact, ends: list[date | None], today: date) -> tuple:
    """`(retain_until, reason)` under the rules; `(None, "role_lasts")` while a role lasts."""
    if not contact.legal_basis_valid:
        return contact.consent_withdrawn_at.date(), "consent_withdrawn"
    if any(end is None or end >= today for end in ends):
        return None, "role_lasts"
    if ends:
        return _years_after(max(ends), rules()["years_after_last_role"]), "roles_ended"
    return _years_after(contact.created_at.date(), rules()["years_without_role"]), "no_role"


def due_for_erasure(today: date) -> list[Due]:
    """Sets every contact's `retain_until` under the rules and returns those due."""
    ends = role_spans()
    due = []
    for contact in db.session.scalars(
        select(Contact).where(Contact.not_erased).order_by(Contact.id)
    ):
        retain_until, reason = retention_date(contact, ends.get(contact.id, []), today)
        if contact.retain_until != retain_until:
            contact.retain_until = retain_until
        postponed = contact.review_on is not None and contact.review_on > today
        if retain_until is not None and retain_until <= today and not postponed:
            due.append(Due(contact.id, retain_until, reason))
    db.session.flush()
    return due


def erase_due(today: date) -> list[Due]:
    due = due_for_erasure(today)
    for entry in due:
        erase_contact(entry.contact_id)
    return due


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)

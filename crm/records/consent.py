"""Consent (Einwilligung, Art. 6 Abs. 1 lit. a and Art. 7 DSGVO): its history and its
withdrawal.

The contact's `consent_*` fields show the consent in force. Each consent as given (date,
source, purposes, text version) is kept as a `ConsentRecord`, as the employment history
keeps each employer: a changed consent opens a new record, and the old one stays as proof.
"""

from crm.database import flush_record
from crm.errors import Conflict
from crm.models import ConsentRecord, Contact
from crm.models.base import utcnow
from crm.models.enums import LegalBasis
from crm.records import audit


def _as_given(contact: Contact) -> tuple:
    return (
        contact.consent_given_on,
        contact.consent_source,
        sorted(contact.consent_purposes or []),
        contact.consent_text_version,
    )


def _record_as_given(record: ConsentRecord) -> tuple:
    return (record.given_on, record.source, sorted(record.purposes), record.text_version)


def update_consent_history(contact: Contact) -> None:
    """After a write: a new consent record when the contact's consent differs from the
    latest one. A new consent given after a withdrawal puts the contact back in force."""
    if contact.legal_basis != LegalBasis.consent:
        return
    latest = contact.consent_records[-1] if contact.consent_records else None
    if latest is not None and _record_as_given(latest) == _as_given(contact):
        return
    given_on, source, purposes, text_version = _as_given(contact)
    contact.consent_records.append(
        ConsentRecord(
            given_on=given_on, source=source, purposes=purposes, text_version=text_version
        )
    )
    if contact.consent_withdrawn_at is not None:
        contact.consent_withdrawn_at = None
    flush_record(contact)


def withdraw_consent(contact: Contact) -> Contact:
    """The person withdraws consent (Art. 7 Abs. 3): from now on the contact has no valid
    legal basis, leaves reports and exports, and is due for erasure by the retention rules.
    Withdrawing again changes nothing."""
    if contact.legal_basis != LegalBasis.consent:
        raise Conflict(
            f"The contact's legal basis is '{contact.legal_basis}', not consent: "
            "there is no consent to withdraw.",
            errors={"legal_basis": ["Must be 'consent' to withdraw consent."]},
        )
    if contact.consent_withdrawn_at is not None:
        return contact
    with audit.recording_change(contact, ["consent_withdrawn_at"]):
        contact.consent_withdrawn_at = utcnow()
        if contact.consent_records:
            contact.consent_records[-1].withdrawn_at = contact.consent_withdrawn_at
        flush_record(contact)
    return contact

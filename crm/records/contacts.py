"""Rules for contacts (Ansprechpersonen): the legal basis of their personal data (DSGVO)
and the history of where they worked."""

from datetime import date

from crm.database import flush_record
from crm.errors import InvalidInput
from crm.models import Contact, Employment
from crm.models.enums import LegalBasis

CONSENT_RECORD = ("consent_given_on", "consent_source")


def check_legal_basis(contact: Contact) -> None:
    """Consent (Art. 6 Abs. 1 lit. a DSGVO) must be documented: when and how it was given.

    Checked on the record as it stands after the write, so that a merge patch cannot leave
    consent undocumented by changing one field and not the other.
    """
    if contact.legal_basis != LegalBasis.consent:
        return
    missing = [name for name in CONSENT_RECORD if not getattr(contact, name)]
    if missing:
        raise InvalidInput(
            "With the legal basis 'consent', record when and how consent was given.",
            errors={name: ["Required when legal_basis is 'consent'."] for name in missing},
        )


def update_employment_history(contact: Contact, today: date | None = None) -> None:
    """Bring the employment history in step with the contact's `partner_id` and `function`.

    The open employment (no end date) is the current one. When the partner changed, it is
    closed today and, unless the partner was cleared, a new one opens at the new partner.
    When only the function changed, the open employment takes it over. Closed employments
    are never touched: they are the history.
    """
    today = today or date.today()
    current = None
    for employment in contact.employments:
        if employment.end_date is not None:
            continue
        if current is None and employment.partner_id == contact.partner_id:
            current = employment
        else:
            employment.end_date = today
    if current is not None:
        current.function = contact.function
    elif contact.partner_id is not None:
        contact.employments.append(
            Employment(partner_id=contact.partner_id, function=contact.function, start_date=today)
        )
    flush_record(contact)

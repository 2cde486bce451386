from datetime import date

import pytest

from crm.errors import InvalidInput
from crm.models.enums import LegalBasis
from crm.records.contacts import check_legal_basis, update_employment_history
from tests.factories import make_contact, make_partner

MAY_1 = date(2024, 5, 1)
JUNE_3 = date(2024, 6, 3)


def employed(session, **fields):
    """A contact with an open employment at its partner since 1 May 2024."""
    contact = make_contact(session, partner_id=make_partner(session).id, **fields)
    update_employment_history(contact, today=MAY_1)
    return contact


def history(contact):
    return sorted(
        ((e.partner_id, e.function, e.start_date, e.end_date) for e in contact.employments),
        key=lambda row: (row[2], row[3] is None),
    )


def test_public_task_needs_no_consent_record(session):
    check_legal_basis(make_contact(session, legal_basis=LegalBasis.public_task))


def test_consent_without_date_and_source_is_refused(session):
    contact = make_contact(session, legal_basis=LegalBasis.consent)
    with pytest.raises(InvalidInput) as refused:
        check_legal_basis(contact)
    assert set(refused.value.errors) == {"consent_given_on", "consent_source"}


def test_consent_with_a_blank_source_is_refused(session):
    contact = make_contact(
        session, legal_basis=LegalBasis.consent, consent_given_on=MAY_1, consent_source=""
    )
    with pytest.raises(InvalidInput) as refused:
        check_legal_basis(contact)
    assert list(refused.value.errors) == ["consent_source"]


def test_documented_consent_passes(session):
    contact = make_contact(
        session, legal_basis=LegalBasis.consent, consent_given_on=MAY_1, consent_source="Formular"
    )
    check_legal_basis(contact)


def test_a_partner_opens_an_employment(session):
    contact = employed(session, function="Leitung")
    assert history(contact) == [(contact.partner_id, "Leitung", MAY_1, None)]


def test_no_partner_opens_no_employment(session):
    contact = make_contact(session)
    update_employment_history(contact, today=MAY_1)
    assert contact.employments == []


def test_unchanged_contact_keeps_its_history(session):
    contact = employed(session)
    update_employment_history(contact, today=JUNE_3)
    assert history(contact) == [(contact.partner_id, None, MAY_1, None)]


def test_a_new_function_changes_the_open_employment(session):
    contact = employed(session, function="Beratung")
    contact.function = "Leitung"
    update_employment_history(contact, today=JUNE_3)
    assert history(contact) == [(contact.partner_id, "Leitung", MAY_1, None)]


def test_a_new_partner_closes_the_employment_and_opens_another(session):
    contact = employed(session, function="Beratung")
    first = contact.partner_id
    contact.partner_id, contact.function = make_partner(session).id, "Leitung"
    update_employment_history(contact, today=JUNE_3)
    assert history(contact) == [
        (first, "Beratung", MAY_1, JUNE_3),
        (contact.partner_id, "Leitung", JUNE_3, None),
    ]


def test_clearing_the_partner_closes_the_employment(session):
    contact = employed(session)
    first = contact.partner_id
    contact.partner_id = None
    update_employment_history(contact, today=JUNE_3)
    assert history(contact) == [(first, None, MAY_1, JUNE_3)]


def test_closed_employments_are_never_changed(session):
    contact = employed(session, function="Beratung")
    first = contact.partner_id
    contact.partner_id = None
    update_employment_history(contact, today=JUNE_3)
    contact.partner_id, contact.function = first, "Leitung"
    update_employment_history(contact, today=date(2024, 7, 1))
    assert history(contact) == [
        (first, "Beratung", MAY_1, JUNE_3),
        (first, "Leitung", date(2024, 7, 1), None),
    ]


def test_the_history_is_flushed(session):
    employed(session)
    assert not session.new

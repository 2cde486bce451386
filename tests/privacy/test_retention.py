from datetime import date, timedelta

import pytest

from crm.models import Contact
from crm.privacy.retention import due_for_erasure
from tests.factories import make_contact, make_group, make_membership, make_partner
from tests.privacy.conftest import withdraw

TODAY = date.today()


@pytest.fixture
def former_member(session) -> Contact:
    """Sat in a steering group until three years ago."""
    partner = make_partner(session)
    contact = make_contact(session, partner_id=partner.id)
    ended = TODAY - timedelta(days=3 * 365)
    make_membership(session, make_group(session), partner, contact_id=contact.id, end_date=ended)
    return contact


def due_ids(app, session) -> list:
    with app.test_request_context():
        return [entry.contact_id for entry in due_for_erasure(TODAY)]


def retention(app, *args):
    return app.test_cli_runner().invoke(args=["crm", "privacy", "retention", *args])


def test_a_contact_is_due_two_years_after_the_last_role_ended(app, former_member, session):
    assert due_ids(app, session) == [former_member.id]


def test_a_lasting_role_keeps_the_contact(app, session):
    partner = make_partner(session)
    contact = make_contact(session, partner_id=partner.id)
    make_membership(session, make_group(session), partner, deputy_contact_id=contact.id)
    assert due_ids(app, session) == []


def test_the_years_are_configurable(app, former_member, session, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_RETENTION_YEARS_AFTER_LAST_ROLE", 5)
    assert due_ids(app, session) == []


def test_a_review_date_ahead_postpones_the_erasure(app, former_member, session):
    former_member.review_on = TODAY + timedelta(days=30)
    session.flush()
    assert due_ids(app, session) == []


def test_a_withdrawn_consent_is_due_at_once(app, client, consenting, session):
    withdraw(client, consenting.id)
    assert due_ids(app, session) == [consenting.id]


def test_the_dry_run_lists_ids_and_erases_nothing(app, former_member, session):
    result = retention(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert str(former_member.id) in result.output
    assert former_member.family_name not in result.output
    session.expire_all()
    assert session.get(Contact, former_member.id).erased_at is None


def test_the_run_erases_who_is_due(app, former_member, session):
    result = retention(app)
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(Contact, former_member.id).erased_at is not None


def test_admins_see_who_is_due_through_the_api(admin, former_member):
    response = admin.get("/api/v1/privacy/retention")
    assert [c["contact_id"] for c in response.json["contacts"]] == [str(former_member.id)]
    assert response.json["contacts"][0]["reason"] == "roles_ended"


def test_admins_run_the_erasure_through_the_api(admin, client, former_member):
    assert admin.post("/api/v1/privacy/retention").json["erased"] is True
    assert client.get(f"/api/v1/contacts/{former_member.id}").status_code == 410

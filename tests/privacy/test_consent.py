from sqlalchemy import select

from crm.models import ConsentRecord
from tests.factories import make_contact, make_partner
from tests.privacy.conftest import withdraw


def records_of(session, contact):
    session.expire_all()
    return session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.contact_id == contact.id)
        .order_by(ConsentRecord.recorded_at)
    ).all()


def test_a_consent_is_recorded_with_purposes_and_text_version(consenting, session):
    [record] = records_of(session, consenting)
    assert (str(record.given_on), record.source, record.purposes, record.text_version) == (
        "2025-05-02",
        "Formular bei der Sitzung",
        ["cooperation", "reports"],
        "2025-01",
    )


def test_a_changed_consent_opens_a_new_record_and_keeps_the_old(client, consenting, session):
    client.patch(
        f"/api/v1/contacts/{consenting.id}",
        json={"consent_text_version": "2026-01"},
        headers={"If-Match": '"v1"'},
    )
    assert [r.text_version for r in records_of(session, consenting)] == ["2025-01", "2026-01"]


def test_an_unknown_purpose_is_refused(client):
    body = {"family_name": "X", "legal_basis": "public_task", "consent_purposes": ["spam"]}
    response = client.post("/api/v1/contacts", json=body)
    assert response.status_code == 422
    assert "consent_purposes.0" in response.json["errors"]


def test_withdrawal_is_one_call_and_invalidates_the_legal_basis(client, consenting):
    response = withdraw(client, consenting.id)
    assert response.status_code == 200
    assert response.json["consent_withdrawn_at"] is not None
    assert response.json["legal_basis_valid"] is False


def test_withdrawal_closes_the_consent_record(client, consenting, session):
    withdraw(client, consenting.id)
    [record] = records_of(session, consenting)
    assert record.withdrawn_at is not None


def test_withdrawing_twice_keeps_the_first_time(client, consenting):
    first = withdraw(client, consenting.id).json["consent_withdrawn_at"]
    assert withdraw(client, consenting.id).json["consent_withdrawn_at"] == first


def test_withdrawal_without_consent_is_a_conflict(client, session):
    contact = make_contact(session)
    response = withdraw(client, contact.id)
    assert response.status_code == 409
    assert "legal_basis" in response.json["errors"]


def test_a_new_consent_after_withdrawal_makes_the_basis_valid_again(client, consenting):
    withdraw(client, consenting.id)
    response = client.patch(
        f"/api/v1/contacts/{consenting.id}",
        json={"consent_given_on": "2026-02-01"},
        headers={"If-Match": '"v2"'},
    )
    assert response.json["legal_basis_valid"] is True


def test_a_contact_who_withdrew_leaves_the_partner_directory(client, consenting, session):
    partner = make_partner(session, name="Jobcenter")
    client.patch(
        f"/api/v1/contacts/{consenting.id}",
        json={"partner_id": str(partner.id)},
        headers={"If-Match": '"v1"'},
    )
    before = client.get("/api/v1/reports/partner-directory?format=csv").data.decode()
    withdraw(client, consenting.id)
    after = client.get("/api/v1/reports/partner-directory?format=csv").data.decode()
    assert ("Schäfer" in before, "Schäfer" in after) == (True, False)

import uuid

from sqlalchemy import select

from crm.models import AuditEvent, ConsentRecord, Contact, Employment, Membership
from crm.models.enums import AuditAction
from tests.factories import make_contact, make_group, make_membership, make_partner
from tests.privacy.conftest import erase


def test_erasure_leaves_a_tombstone_without_personal_data(admin, consenting, session):
    assert erase(admin, consenting.id).status_code == 200
    session.expire_all()
    tombstone = session.get(Contact, consenting.id)
    assert (tombstone.family_name, tombstone.given_name, tombstone.email) == ("", None, None)
    assert (tombstone.consent_source, tombstone.search_text) == (None, "")
    assert tombstone.erased_at is not None


def test_erasure_leaves_no_sound_of_the_name(admin, consenting, session):
    erase(admin, consenting.id)
    session.expire_all()
    assert session.get(Contact, consenting.id).family_sound is None


def test_erasure_removes_employments_and_consents(admin, client, session):
    partner = make_partner(session)
    body = {"family_name": "Kaya", "legal_basis": "public_task", "partner_id": str(partner.id)}
    contact_id = uuid.UUID(client.post("/api/v1/contacts", json=body).json["id"])
    erase(admin, contact_id)
    for model in (Employment, ConsentRecord):
        assert session.scalars(select(model).where(model.contact_id == contact_id)).all() == []


def test_a_membership_stays_as_an_anonymous_placeholder(admin, session):
    partner = make_partner(session)
    contact = make_contact(session, partner_id=partner.id)
    membership = make_membership(session, make_group(session), partner, contact_id=contact.id)
    erase(admin, contact.id)
    session.expire_all()
    assert session.get(Membership, membership.id).contact_id == contact.id


def test_the_audit_trail_keeps_only_the_fact_of_the_erasure(admin, consenting, session):
    erase(admin, consenting.id)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.resource_id == consenting.id)
        .order_by(AuditEvent.occurred_at)
    ).all()
    assert [event.action for event in events] == [AuditAction.create, AuditAction.erase]
    assert events[0].changes["family_name"] == {"old": None, "new": None}
    assert (events[1].changes, events[1].actor.startswith("test-admin")) == ({}, True)


def test_an_erased_contact_answers_410(admin, client, consenting):
    erase(admin, consenting.id)
    response = client.get(f"/api/v1/contacts/{consenting.id}")
    assert response.status_code == 410
    assert response.json["type"] == "urn:crm:problem:erased"


def test_an_erased_contact_leaves_lists_and_search(admin, client, consenting):
    erase(admin, consenting.id)
    assert client.get("/api/v1/contacts").json["data"] == []
    assert client.post("/api/v1/contacts/search", json={"q": "Schäfer"}).json["data"] == []


def test_erasing_twice_is_harmless(admin, consenting):
    first = erase(admin, consenting.id).json
    second = erase(admin, consenting.id)
    assert second.status_code == 200
    assert second.json["erased_at"] == first["erased_at"]


def test_erasing_nobody_is_404(admin):
    assert erase(admin, "6b1f0c6e-0000-4000-8000-000000000000").status_code == 404


def test_editors_may_not_erase(client, consenting):
    assert erase(client, consenting.id).status_code == 403

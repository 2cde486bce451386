from tests.factories import make_group, make_membership, make_partner
from tests.privacy.conftest import erase


def personal_data(client, contact_id):
    return client.get(f"/api/v1/contacts/{contact_id}/personal-data")


def test_holds_the_contact_and_its_consents(client, consenting):
    document = personal_data(client, consenting.id).json
    assert document["contact"]["family_name"] == "Schäfer"
    [consent] = document["records"]["consent_records"]
    assert consent["purposes"] == ["cooperation", "reports"]
    assert document["legal_basis_valid"] is True


def test_holds_memberships_as_member_and_as_deputy(client, consenting, session):
    partner, group = make_partner(session), make_group(session)
    make_membership(session, group, partner, contact_id=consenting.id)
    make_membership(session, group, make_partner(session), deputy_contact_id=consenting.id)
    document = personal_data(client, consenting.id).json
    assert len(document["records"]["memberships"]) == 2


def test_holds_the_audit_events_about_the_person(client, consenting):
    [event] = personal_data(client, consenting.id).json["audit_events"]
    assert (event["action"], event["changes"]["family_name"]["new"]) == ("create", "Schäfer")


def test_leaves_out_the_search_columns(client, consenting):
    assert "search_text" not in personal_data(client, consenting.id).json["contact"]


def test_an_erased_contact_has_nothing_to_give(admin, client, consenting):
    erase(admin, consenting.id)
    assert personal_data(client, consenting.id).status_code == 410

"""/api/v1/agreements/{id}/parties: Vertragsparteien, their spans, and the rule that an
agreement in force keeps at least two of them."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from crm.models import AgreementParty, TargetGroup
from crm.models.enums import AgreementStatus, PartyRole, Sector
from tests.factories import (
    MISSING_ID,
    make_agreement,
    make_contact,
    make_partner,
    make_party,
    topic,
)


def parties_url(agreement, party=None) -> str:
    url = f"/api/v1/agreements/{agreement.id}/parties"
    return f"{url}/{party.id}" if party else url


def patch(client, agreement, party, changes, etag='"v1"'):
    return client.patch(parties_url(agreement, party), json=changes, headers={"If-Match": etag})


def remove(client, agreement, party):
    return client.delete(parties_url(agreement, party), headers={"If-Match": '"v1"'})


def active_agreement(session, parties: int = 2):
    agreement = make_agreement(session)
    made = [make_party(session, agreement) for _ in range(parties)]
    agreement.status = AgreementStatus.active
    session.flush()
    return agreement, made


def left_on(session, party) -> date | None:
    session.expire_all()
    return session.get(AgreementParty, party.id).left_on


# Add


def test_add_answers_201_with_location_and_etag(client, session):
    agreement = make_agreement(session)
    body = {"partner_id": str(make_partner(session).id), "role": "lead"}
    response = client.post(parties_url(agreement), json=body)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{parties_url(agreement)}/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_add_stores_the_party_under_its_agreement(client, session):
    agreement = make_agreement(session)
    partner, contact = make_partner(session), make_contact(session)
    body = {
        "partner_id": str(partner.id),
        "role": "funder",
        "signatory_contact_id": str(contact.id),
        "joined_on": "2017-08-01",
    }
    response = client.post(parties_url(agreement), json=body)
    stored = session.get(AgreementParty, uuid.UUID(response.json["id"]))
    assert (stored.agreement_id, stored.partner_id, stored.role, stored.signatory_contact_id) == (
        agreement.id,
        partner.id,
        PartyRole.funder,
        contact.id,
    )
    assert response.json["agreement_id"] == str(agreement.id)


def test_add_to_missing_agreement_answers_404(client, session):
    body = {"partner_id": str(make_partner(session).id), "role": "party"}
    response = client.post(f"/api/v1/agreements/{MISSING_ID}/parties", json=body)
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "chair"),
        ("partner_id", MISSING_ID),
        ("signatory_contact_id", MISSING_ID),
        ("joined_on", "August 2017"),
    ],
)
def test_add_refuses_invalid_field(client, session, field, value):
    agreement = make_agreement(session)
    body = {"partner_id": str(make_partner(session).id), "role": "party"} | {field: value}
    response = client.post(parties_url(agreement), json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, [field])
    assert session.scalar(select(AgreementParty.id)) is None


def test_add_names_the_missing_partner(client, session):
    agreement = make_agreement(session)
    response = client.post(parties_url(agreement), json={"partner_id": MISSING_ID, "role": "lead"})
    assert response.json["errors"]["partner_id"] == [f"No partner has the id {MISSING_ID}."]


def test_add_requires_partner_and_role(client, session):
    response = client.post(parties_url(make_agreement(session)), json={})
    assert sorted(response.json["errors"]) == ["partner_id", "role"]


@pytest.mark.parametrize("field", ["agreement_id", "id", "colour"])
def test_add_refuses_read_only_and_unknown_fields(client, session, field):
    agreement = make_agreement(session)
    body = {"partner_id": str(make_partner(session).id), "role": "party", field: MISSING_ID}
    response = client.post(parties_url(agreement), json=body)
    assert (response.status_code, response.json["errors"]) == (422, {field: ["Unknown field."]})


def test_left_before_joined_is_refused(client, session):
    agreement = make_agreement(session)
    body = {
        "partner_id": str(make_partner(session).id),
        "role": "party",
        "joined_on": "2017-08-01",
        "left_on": "2017-07-31",
    }
    response = client.post(parties_url(agreement), json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["left_on"])


def test_viewer_cannot_add(viewer, session):
    agreement = make_agreement(session)
    body = {"partner_id": str(make_partner(session).id), "role": "party"}
    assert viewer.post(parties_url(agreement), json=body).status_code == 403


# Read


def test_get_answers_the_party_with_etag(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement, role=PartyRole.lead)
    response = client.get(parties_url(agreement, party))
    assert (response.json["role"], response.headers["ETag"]) == ("lead", '"v1"')


def test_party_of_another_agreement_answers_404(client, session):
    party = make_party(session, make_agreement(session))
    response = client.get(parties_url(make_agreement(session), party))
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


def test_list_holds_only_this_agreements_parties(client, session):
    agreement = make_agreement(session)
    mine = make_party(session, agreement)
    make_party(session, make_agreement(session))
    ids = [party["id"] for party in client.get(parties_url(agreement)).json["data"]]
    assert ids == [str(mine.id)]


def test_list_filters_by_role_and_partner(client, session):
    agreement = make_agreement(session)
    lead = make_party(session, agreement, role=PartyRole.lead)
    make_party(session, agreement, role=PartyRole.lead)
    make_party(session, agreement, partner_id=lead.partner_id)
    response = client.get(f"{parties_url(agreement)}?role=lead&partner_id={lead.partner_id}")
    assert [party["id"] for party in response.json["data"]] == [str(lead.id)]


@pytest.mark.parametrize(("current", "expected"), [("true", "Dabei"), ("false", "Ausgetreten")])
def test_list_filters_current_parties(client, session, current, expected):
    agreement = make_agreement(session)
    parties = {
        "Dabei": make_party(session, agreement),
        "Ausgetreten": make_party(session, agreement, left_on=date(2018, 7, 31)),
    }
    response = client.get(f"{parties_url(agreement)}?current={current}")
    assert [party["id"] for party in response.json["data"]] == [str(parties[expected].id)]


def test_list_of_missing_agreement_answers_404(client):
    assert client.get(f"/api/v1/agreements/{MISSING_ID}/parties").status_code == 404


@pytest.mark.parametrize("query", ["colour=blue", "role=chair", "current=maybe"])
def test_bad_query_parameter_answers_400(client, session, query):
    response = client.get(f"{parties_url(make_agreement(session))}?{query}")
    assert response.status_code == 400


# Change


def test_patch_ends_a_party_of_a_draft(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = patch(client, agreement, party, {"left_on": "2018-07-31"})
    assert (response.json["left_on"], response.headers["ETag"]) == ("2018-07-31", '"v2"')


def test_patch_null_clears_the_signatory(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement, signatory_contact_id=make_contact(session).id)
    response = patch(client, agreement, party, {"signatory_contact_id": None})
    assert response.json["signatory_contact_id"] is None


@pytest.mark.parametrize("field", ["partner_id", "role"])
def test_patch_null_is_refused_for_required_field(client, session, field):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = patch(client, agreement, party, {field: None})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_patch_without_if_match_answers_428(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = client.patch(parties_url(agreement, party), json={"role": "lead"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = patch(client, agreement, party, {"left_on": "2018-07-31"}, etag='"v3"')
    assert (response.status_code, left_on(session, party)) == (412, None)


# The rule: an agreement in force keeps at least two current parties


def test_ending_a_party_of_an_active_agreement_with_two_is_refused(client, session):
    agreement, (party, _) = active_agreement(session)
    response = patch(client, agreement, party, {"left_on": "2018-07-31"})
    assert (response.status_code, response.content_type) == (409, "application/problem+json")
    assert left_on(session, party) is None


def test_ending_a_party_of_an_active_agreement_with_three(client, session):
    agreement, (party, _, _) = active_agreement(session, parties=3)
    assert patch(client, agreement, party, {"left_on": "2018-07-31"}).status_code == 200


def test_changing_the_role_of_a_party_of_an_active_agreement(client, session):
    agreement, (party, _) = active_agreement(session)
    assert patch(client, agreement, party, {"role": "lead"}).json["role"] == "lead"


def test_removing_a_party_of_an_active_agreement_with_two_is_refused(client, session):
    agreement, (party, _) = active_agreement(session)
    assert remove(client, agreement, party).status_code == 409
    assert session.scalar(select(AgreementParty.id).where(AgreementParty.id == party.id))


def test_removing_a_party_that_left_an_active_agreement(client, session):
    agreement, _ = active_agreement(session)
    former = make_party(session, agreement, left_on=date(2018, 7, 31))
    assert remove(client, agreement, former).status_code == 204
    assert session.scalar(select(AgreementParty.id).where(AgreementParty.id == former.id)) is None


def test_removing_a_party_of_a_draft(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    assert remove(client, agreement, party).status_code == 204


def test_remove_without_if_match_answers_428(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    assert client.delete(parties_url(agreement, party)).status_code == 428


def test_viewer_cannot_remove(viewer, session):
    agreement = make_agreement(session)
    assert remove(viewer, agreement, make_party(session, agreement)).status_code == 403


def test_partner_that_is_a_party_cannot_be_deleted(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = client.delete(f"/api/v1/partners/{party.partner_id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert {"resource": "agreement", "id": str(agreement.id), "via": "partner_id"} in response.json[
        "references"
    ]


# Stadt Trier, "Migrantenklasse 18+": a vocational school, a BAMF language-course provider
# and the youth office run a class for migrants past school age.


@pytest.fixture
def trier(client, session):
    """The agreement as a coordinator enters it: created, then its three parties added."""
    partners = {
        "lead": make_partner(session, name="BBS Trier", kind="vocational_school"),
        "courses": make_partner(
            session, name="Sprachkursträger (BAMF)", kind="language_course_provider"
        ),
        "youth_office": make_partner(
            session, name="Jugendamt Trier", kind="administration_unit", sector=Sector.internal
        ),
    }
    adults = session.scalars(
        select(TargetGroup).where(TargetGroup.code == "adults_past_school_age")
    ).one()
    agreement = client.post(
        "/api/v1/agreements",
        json={
            "title": "Migrantenklasse 18+",
            "kind": "cooperation_agreement",
            "valid_from": "2017-08-01",
            "topic_ids": [str(topic(session, "language").id)],
            "target_group_ids": [str(adults.id)],
        },
    ).json
    url = f"/api/v1/agreements/{agreement['id']}/parties"
    parties = {
        name: client.post(
            url,
            json={
                "partner_id": str(partner.id),
                "role": "lead" if name == "lead" else "party",
                "joined_on": "2017-08-01",
            },
        ).json
        for name, partner in partners.items()
    }
    return {"id": agreement["id"], "url": url, "parties": parties}


def activate(client, trier):
    return client.patch(
        f"/api/v1/agreements/{trier['id']}", json={"status": "active"}, headers={"If-Match": '"v1"'}
    )


def leave(client, trier, name):
    party_url = f"{trier['url']}/{trier['parties'][name]['id']}"
    return client.patch(party_url, json={"left_on": "2018-07-31"}, headers={"If-Match": '"v1"'})


def test_trier_goes_into_force_with_its_three_parties(client, trier):
    assert activate(client, trier).json["status"] == "active"
    roles = sorted(party["role"] for party in client.get(trier["url"]).json["data"])
    assert roles == ["lead", "party", "party"]


def test_trier_youth_office_leaves_while_two_parties_remain(client, trier):
    activate(client, trier)
    assert leave(client, trier, "youth_office").status_code == 200
    assert client.get(f"{trier['url']}?current=true").json["pagination"]["total"] == 2


def test_trier_cannot_lose_a_second_party_while_in_force(client, trier):
    activate(client, trier)
    leave(client, trier, "youth_office")
    assert leave(client, trier, "courses").status_code == 409

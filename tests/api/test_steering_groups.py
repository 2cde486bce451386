"""/api/v1/steering-groups: Steuerungsgruppen, their fields, lists and the error contract."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.models import Agreement, SteeringGroup, TargetGroup
from crm.models.enums import (
    AgreementKind,
    SteeringGroupKind,
    SteeringGroupStatus,
)
from tests.factories import (
    MISSING_ID,
    make_contact,
    make_group,
    make_membership,
    make_partner,
    topic,
)

URL = "/api/v1/steering-groups"
NEW_GROUP = {"name": "Willkommen bei Freunden", "kind": "steering_group"}


def patch(client, group, changes, etag='"v1"'):
    return client.patch(f"{URL}/{group.id}", json=changes, headers={"If-Match": etag})


def remove(client, group):
    return client.delete(f"{URL}/{group.id}", headers={"If-Match": '"v1"'})


def names(response) -> list[str]:
    return [group["name"] for group in response.json["data"]]


# Create


def test_create_answers_201_with_location_and_etag(client):
    response = client.post(URL, json=NEW_GROUP)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{URL}/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_create_stores_the_group(client, session):
    partner, contact = make_partner(session), make_contact(session)
    body = NEW_GROUP | {
        "founded_on": "2016-05-01",
        "funding_programme": "Willkommen bei Freunden",
        "coordinating_partner_id": str(partner.id),
        "coordinating_contact_id": str(contact.id),
    }
    response = client.post(URL, json=body)
    stored = session.get(SteeringGroup, uuid.UUID(response.json["id"]))
    assert (stored.kind, stored.founded_on, stored.funding_programme) == (
        SteeringGroupKind.steering_group,
        date(2016, 5, 1),
        "Willkommen bei Freunden",
    )
    assert (stored.coordinating_partner_id, stored.coordinating_contact_id) == (
        partner.id,
        contact.id,
    )


def test_create_defaults_status_to_active(client):
    assert client.post(URL, json=NEW_GROUP).json["status"] == "active"


def test_create_links_topics_and_target_groups(client, session):
    language = topic(session, "language")
    adults = session.scalars(
        select(TargetGroup).where(TargetGroup.code == "adults_past_school_age")
    ).one()
    body = NEW_GROUP | {"topic_ids": [str(language.id)], "target_group_ids": [str(adults.id)]}
    response = client.post(URL, json=body)
    assert (response.json["topic_ids"], response.json["target_group_ids"]) == (
        [str(language.id)],
        [str(adults.id)],
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("short_name", "x" * 51),
        ("kind", "club"),
        ("status", "sleeping"),
        ("founded_on", "1. Mai 2016"),
        ("topic_ids", [MISSING_ID]),
        ("coordinating_partner_id", MISSING_ID),
        ("coordinating_contact_id", MISSING_ID),
    ],
)
def test_create_refuses_invalid_field(client, session, field, value):
    response = client.post(URL, json=NEW_GROUP | {field: value})
    assert response.status_code == 422
    assert [key.split(".")[0] for key in response.json["errors"]] == [field]
    assert session.scalar(select(SteeringGroup.id)) is None


def test_create_names_the_missing_reference(client):
    response = client.post(URL, json=NEW_GROUP | {"coordinating_partner_id": MISSING_ID})
    assert response.json["errors"]["coordinating_partner_id"] == [
        f"No partner has the id {MISSING_ID}."
    ]


def test_create_refuses_unknown_field(client):
    response = client.post(URL, json=NEW_GROUP | {"chair": "Landrat"})
    assert (response.status_code, response.json["errors"]) == (422, {"chair": ["Unknown field."]})


def test_create_refuses_read_only_id(client):
    response = client.post(URL, json=NEW_GROUP | {"id": str(uuid.uuid4())})
    assert (response.status_code, list(response.json["errors"])) == (422, ["id"])


def test_create_requires_name_and_kind(client):
    response = client.post(URL, json={"purpose": "Sprache"})
    assert sorted(response.json["errors"]) == ["kind", "name"]


def test_create_refuses_dissolution_before_founding(client):
    body = NEW_GROUP | {"founded_on": "2016-05-01", "dissolved_on": "2015-12-31"}
    response = client.post(URL, json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["dissolved_on"])


def test_viewer_cannot_create(viewer):
    assert viewer.post(URL, json=NEW_GROUP).status_code == 403


# Read


def test_get_answers_the_group_with_etag(client, session):
    group = make_group(session, name="Netzwerk Bildung & Sprache", kind=SteeringGroupKind.network)
    response = client.get(f"{URL}/{group.id}")
    assert (response.json["name"], response.json["kind"]) == (
        "Netzwerk Bildung & Sprache",
        "network",
    )
    assert response.headers["ETag"] == '"v1"'


def test_viewer_can_read(viewer, session):
    assert viewer.get(f"{URL}/{make_group(session).id}").status_code == 200


def test_get_missing_group_answers_404_problem(client):
    response = client.get(f"{URL}/{MISSING_ID}")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


# List


def test_list_sorts_by_name_by_default(client, session):
    make_group(session, name="Runder Tisch Asyl")
    make_group(session, name="Arbeitskreis Sprache")
    assert names(client.get(URL)) == ["Arbeitskreis Sprache", "Runder Tisch Asyl"]


def test_list_sorts_by_founding_date_descending(client, session):
    make_group(session, name="Alt", founded_on=date(2012, 1, 1))
    make_group(session, name="Neu", founded_on=date(2016, 5, 1))
    assert names(client.get(f"{URL}?sort=-founded_on")) == ["Neu", "Alt"]


def test_list_filters_by_kind(client, session):
    make_group(session, name="Netzwerk", kind=SteeringGroupKind.network)
    make_group(session, name="Runder Tisch", kind=SteeringGroupKind.round_table)
    make_group(session, name="Gremium", kind=SteeringGroupKind.committee)
    response = client.get(f"{URL}?kind=network&kind=round_table")
    assert names(response) == ["Netzwerk", "Runder Tisch"]


def test_list_filters_by_status(client, session):
    make_group(session, name="Aktiv")
    make_group(session, name="Archiviert", status=SteeringGroupStatus.archived)
    assert names(client.get(f"{URL}?status=archived")) == ["Archiviert"]


def test_list_filters_by_topic(client, session):
    make_group(session, name="Sprache", topics=[topic(session, "language")])
    make_group(session, name="Ohne Thema")
    assert names(client.get(f"{URL}?topic_id={topic(session, 'language').id}")) == ["Sprache"]


def test_list_filters_by_target_group(client, session):
    adults = session.scalars(
        select(TargetGroup).where(TargetGroup.code == "adults_past_school_age")
    ).one()
    make_group(session, name="18+", target_groups=[adults])
    make_group(session, name="Alle")
    assert names(client.get(f"{URL}?target_group_id={adults.id}")) == ["18+"]


def test_list_filters_by_current_member(client, session):
    partner = make_partner(session)
    make_membership(session, make_group(session, name="Heute"), partner)
    left = make_group(session, name="Verlassen")
    make_membership(session, left, partner, end_date=date.today() - timedelta(days=1))
    make_group(session, name="Nie")
    assert names(client.get(f"{URL}?partner_id={partner.id}")) == ["Heute"]


def test_list_search_ignores_accents_and_case(client, session):
    make_group(session, name="Arbeitskreis Jugendförderung")
    make_group(session, name="Runder Tisch Asyl")
    assert names(client.get(f"{URL}?q=JUGENDFORDERUNG")) == ["Arbeitskreis Jugendförderung"]


def test_list_refuses_unknown_parameter(client):
    response = client.get(f"{URL}?chair=x")
    assert (response.status_code, list(response.json["errors"])) == (400, ["chair"])


def test_list_refuses_unknown_sort(client):
    assert client.get(f"{URL}?sort=kind").status_code == 400


# Change


def test_patch_archives_the_group(client, session):
    group = make_group(session)
    response = patch(client, group, {"status": "archived"})
    assert (response.json["status"], response.headers["ETag"]) == ("archived", '"v2"')


def test_patch_changes_only_given_fields(client, session):
    group = make_group(session, name="WbF", purpose="Willkommen")
    body = patch(client, group, {"name": "Willkommen bei Freunden"}).json
    assert (body["name"], body["purpose"]) == ("Willkommen bei Freunden", "Willkommen")


def test_patch_null_clears_optional_field(client, session):
    group = make_group(session, coordinating_partner_id=make_partner(session).id)
    assert (
        patch(client, group, {"coordinating_partner_id": None}).json["coordinating_partner_id"]
        is None
    )


@pytest.mark.parametrize("field", ["name", "kind", "status"])
def test_patch_null_is_refused_for_required_field(client, session, field):
    response = patch(client, make_group(session), {field: None})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_patch_refuses_dissolution_before_stored_founding(client, session):
    group = make_group(session, founded_on=date(2016, 5, 1))
    response = patch(client, group, {"dissolved_on": "2015-01-01"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["dissolved_on"])


def test_patch_without_if_match_answers_428(client, session):
    group = make_group(session)
    assert client.patch(f"{URL}/{group.id}", json={"name": "Neu"}).status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    group = make_group(session, name="Alt")
    response = patch(client, group, {"name": "Neu"}, etag='"v7"')
    session.expire_all()
    assert (response.status_code, session.get(SteeringGroup, group.id).name) == (412, "Alt")


def test_viewer_cannot_change(viewer, session):
    assert patch(viewer, make_group(session), {"name": "Neu"}).status_code == 403


# Delete


def test_delete_unreferenced_group(client, session):
    group = make_group(session, topics=[topic(session, "language")])
    assert remove(client, group).status_code == 204
    assert session.scalar(select(SteeringGroup.id).where(SteeringGroup.id == group.id)) is None


def test_delete_with_members_answers_409_naming_them(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = remove(client, group)
    assert response.status_code == 409
    assert response.json["references"] == [
        {"resource": "membership", "id": str(membership.id), "via": "steering_group_id"}
    ]


def test_delete_overseeing_an_agreement_answers_409_naming_it(client, session):
    group = make_group(session)
    agreement = Agreement(
        title="Migrantenklasse 18+",
        kind=AgreementKind.cooperation_agreement,
        steering_group_id=group.id,
    )
    session.add(agreement)
    session.flush()
    response = remove(client, group)
    assert response.status_code == 409
    assert response.json["references"] == [
        {"resource": "agreement", "id": str(agreement.id), "via": "steering_group_id"}
    ]


def test_delete_missing_group_answers_404(client):
    response = client.delete(f"{URL}/{MISSING_ID}", headers={"If-Match": '"v1"'})
    assert response.status_code == 404


def test_viewer_cannot_delete(viewer, session):
    assert remove(viewer, make_group(session)).status_code == 403

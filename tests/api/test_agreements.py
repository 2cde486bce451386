"""/api/v1/agreements: Kooperationsvereinbarungen, their fields, lists and the error contract."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from crm.models import Agreement, AgreementParty, TargetGroup
from crm.models.enums import AgreementKind, AgreementStatus
from tests.factories import MISSING_ID, make_agreement, make_group, make_partner, make_party, topic

NEW_AGREEMENT = {"title": "Migrantenklasse 18+", "kind": "cooperation_agreement"}


def patch(client, agreement_id, changes, etag='"v1"'):
    return client.patch(
        f"/api/v1/agreements/{agreement_id}", json=changes, headers={"If-Match": etag}
    )


def titles(response) -> list[str]:
    return [agreement["title"] for agreement in response.json["data"]]


# Create


def test_create_answers_201_with_location_and_etag(client):
    response = client.post("/api/v1/agreements", json=NEW_AGREEMENT)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v1/agreements/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_create_defaults_status_to_draft(client):
    assert client.post("/api/v1/agreements", json=NEW_AGREEMENT).json["status"] == "draft"


def test_create_stores_dates_and_links(client, session):
    group = make_group(session)
    language = topic(session, "language")
    body = {
        "signed_on": "2017-07-20",
        "valid_from": "2017-08-01",
        "valid_until": "2019-07-31",
        "notice_period_days": 90,
        "steering_group_id": str(group.id),
        "topic_ids": [str(language.id)],
    }
    response = client.post("/api/v1/agreements", json=NEW_AGREEMENT | body)
    stored = session.get(Agreement, uuid.UUID(response.json["id"]))
    assert (stored.valid_until, stored.steering_group_id, stored.topics) == (
        date(2019, 7, 31),
        group.id,
        [language],
    )
    assert response.json["topic_ids"] == [str(language.id)]


def test_create_active_without_parties_is_refused_on_status(client, session):
    response = client.post("/api/v1/agreements", json=NEW_AGREEMENT | {"status": "active"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["status"])
    assert session.scalar(select(Agreement.id)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * 301),
        ("title", ""),
        ("reference_number", "x" * 101),
        ("kind", "treaty"),
        ("status", "signed"),
        ("status", None),
        ("valid_from", "01.08.2017"),
        ("notice_period_days", -1),
        ("steering_group_id", MISSING_ID),
        ("topic_ids", [MISSING_ID]),
        ("target_group_ids", ["not-a-uuid"]),
    ],
)
def test_create_refuses_invalid_field(client, session, field, value):
    response = client.post("/api/v1/agreements", json=NEW_AGREEMENT | {field: value})
    assert response.status_code == 422
    assert [key.split(".")[0] for key in response.json["errors"]] == [field]
    assert session.scalar(select(Agreement.id)) is None


def test_create_names_the_missing_reference(client):
    response = client.post(
        "/api/v1/agreements", json=NEW_AGREEMENT | {"steering_group_id": MISSING_ID}
    )
    assert response.json["errors"]["steering_group_id"] == [
        f"No steering group has the id {MISSING_ID}."
    ]


def test_create_refuses_unknown_field(client):
    response = client.post("/api/v1/agreements", json=NEW_AGREEMENT | {"budget": 1000})
    assert (response.status_code, response.json["errors"]) == (422, {"budget": ["Unknown field."]})


def test_create_refuses_read_only_fields(client):
    body = NEW_AGREEMENT | {"id": str(uuid.uuid4()), "created_at": "2020-01-01T00:00:00Z"}
    response = client.post("/api/v1/agreements", json=body)
    assert (response.status_code, sorted(response.json["errors"])) == (422, ["created_at", "id"])


def test_create_requires_title_and_kind(client):
    response = client.post("/api/v1/agreements", json={})
    assert sorted(response.json["errors"]) == ["kind", "title"]


def test_valid_until_before_valid_from_is_refused(client):
    body = NEW_AGREEMENT | {"valid_from": "2018-01-01", "valid_until": "2017-12-31"}
    response = client.post("/api/v1/agreements", json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["valid_until"])


def test_duplicate_reference_number_answers_409_on_that_field(client, session):
    make_agreement(session, reference_number="40.2-117")
    response = client.post(
        "/api/v1/agreements", json=NEW_AGREEMENT | {"reference_number": "40.2-117"}
    )
    assert (response.status_code, response.json["type"]) == (409, "urn:crm:problem:conflict")
    assert response.json["errors"] == {
        "reference_number": ["This value is already taken or refers to nothing."]
    }


def test_viewer_cannot_create(viewer):
    assert viewer.post("/api/v1/agreements", json=NEW_AGREEMENT).status_code == 403


# Read


def test_get_answers_the_agreement_with_etag(client, session):
    agreement = make_agreement(session, title="Rahmenvereinbarung Sprache")
    response = client.get(f"/api/v1/agreements/{agreement.id}")
    assert (response.json["title"], response.headers["ETag"]) == (
        "Rahmenvereinbarung Sprache",
        '"v1"',
    )


def test_viewer_can_read(viewer, session):
    agreement = make_agreement(session)
    assert viewer.get(f"/api/v1/agreements/{agreement.id}").status_code == 200


def test_get_missing_agreement_answers_404_problem(client):
    response = client.get(f"/api/v1/agreements/{MISSING_ID}")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


# Change


def test_patch_changes_only_given_fields(client, session):
    agreement = make_agreement(session, title="Alt", notes="Vermerk")
    body = patch(client, agreement.id, {"title": "Neu"}).json
    assert (body["title"], body["notes"]) == ("Neu", "Vermerk")


def test_patch_null_clears_optional_field(client, session):
    agreement = make_agreement(session, valid_until=date(2019, 7, 31))
    response = patch(client, agreement.id, {"valid_until": None})
    session.expire_all()
    assert response.json["valid_until"] is None
    assert session.get(Agreement, agreement.id).valid_until is None


@pytest.mark.parametrize("field", ["title", "kind", "status"])
def test_patch_null_is_refused_for_required_field(client, session, field):
    agreement = make_agreement(session)
    response = patch(client, agreement.id, {field: None})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_patch_moves_the_etag(client, session):
    agreement = make_agreement(session)
    assert patch(client, agreement.id, {"status": "archived"}).headers["ETag"] == '"v2"'


def test_patch_refuses_valid_from_after_stored_valid_until(client, session):
    agreement = make_agreement(session, valid_until=date(2019, 7, 31))
    response = patch(client, agreement.id, {"valid_from": "2020-01-01"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["valid_until"])


def test_patch_to_active_with_one_party_is_refused_on_status(client, session):
    agreement = make_agreement(session)
    make_party(session, agreement)
    response = patch(client, agreement.id, {"status": "active"})
    session.expire_all()
    assert (response.status_code, list(response.json["errors"])) == (422, ["status"])
    assert session.get(Agreement, agreement.id).status is AgreementStatus.draft


def test_patch_to_active_with_two_current_parties(client, session):
    agreement = make_agreement(session)
    make_party(session, agreement)
    make_party(session, agreement)
    assert patch(client, agreement.id, {"status": "active"}).json["status"] == "active"


def test_parties_that_left_do_not_count_for_active(client, session):
    agreement = make_agreement(session)
    make_party(session, agreement)
    make_party(session, agreement, joined_on=date(2017, 8, 1), left_on=date(2018, 7, 31))
    assert patch(client, agreement.id, {"status": "active"}).status_code == 422


def test_patch_without_if_match_answers_428(client, session):
    agreement = make_agreement(session)
    response = client.patch(f"/api/v1/agreements/{agreement.id}", json={"title": "Neu"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    agreement = make_agreement(session, title="Alt")
    response = patch(client, agreement.id, {"title": "Neu"}, etag='"v7"')
    session.expire_all()
    assert (response.status_code, session.get(Agreement, agreement.id).title) == (412, "Alt")


def test_viewer_cannot_change(viewer, session):
    agreement = make_agreement(session)
    assert patch(viewer, agreement.id, {"title": "Neu"}).status_code == 403


# Delete


def test_delete_removes_the_agreement_with_its_parties(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    response = client.delete(f"/api/v1/agreements/{agreement.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 204
    assert session.scalar(select(AgreementParty.id).where(AgreementParty.id == party.id)) is None
    assert session.scalar(select(Agreement.id).where(Agreement.id == agreement.id)) is None


def test_delete_without_if_match_answers_428(client, session):
    agreement = make_agreement(session)
    assert client.delete(f"/api/v1/agreements/{agreement.id}").status_code == 428


# Lists


def test_list_is_an_envelope(client, session):
    make_agreement(session)
    body = client.get("/api/v1/agreements").json
    assert body["pagination"] == {"page": 1, "page_size": 25, "total": 1, "total_pages": 1}


def test_list_sorts_by_title_by_default(client, session):
    make_agreement(session, title="Zuwendung Sprachkurse")
    make_agreement(session, title="Absichtserklärung Ausbildung")
    assert titles(client.get("/api/v1/agreements")) == [
        "Absichtserklärung Ausbildung",
        "Zuwendung Sprachkurse",
    ]


def test_filter_by_status_and_kind(client, session):
    make_agreement(session, title="Entwurf")
    make_agreement(session, title="Archiv", status=AgreementStatus.archived)
    make_agreement(
        session,
        title="Rahmen",
        status=AgreementStatus.archived,
        kind=AgreementKind.framework_agreement,
    )
    response = client.get("/api/v1/agreements?status=archived&kind=cooperation_agreement")
    assert titles(response) == ["Archiv"]


def test_filter_by_current_party(client, session):
    with_partner, left, _ = (
        make_agreement(session, title=t) for t in ("Mit", "Ausgetreten", "Ohne")
    )
    partner = make_partner(session)
    make_party(session, with_partner, partner_id=partner.id)
    make_party(session, left, partner_id=partner.id, left_on=date(2018, 1, 1))
    assert titles(client.get(f"/api/v1/agreements?partner_id={partner.id}")) == ["Mit"]


def test_filter_by_steering_group(client, session):
    group = make_group(session)
    make_agreement(session, title="Gremium", steering_group_id=group.id)
    make_agreement(session, title="Ohne")
    assert titles(client.get(f"/api/v1/agreements?steering_group_id={group.id}")) == ["Gremium"]


def test_filter_by_topic_and_target_group(client, session):
    language = topic(session, "language")
    adults = session.scalars(
        select(TargetGroup).where(TargetGroup.code == "adults_past_school_age")
    ).one()
    make_agreement(session, title="Beide", topics=[language], target_groups=[adults])
    make_agreement(session, title="Nur Sprache", topics=[language])
    response = client.get(f"/api/v1/agreements?topic_id={language.id}&target_group_id={adults.id}")
    assert titles(response) == ["Beide"]


def test_expires_before_lists_agreements_ending_before_the_date(client, session):
    make_agreement(session, title="Endet 2025", valid_until=date(2025, 12, 31))
    make_agreement(session, title="Endet 2026", valid_until=date(2026, 12, 31))
    make_agreement(session, title="Unbefristet")
    assert titles(client.get("/api/v1/agreements?expires_before=2026-12-31")) == ["Endet 2025"]


def test_sort_by_valid_until_descending(client, session):
    make_agreement(session, title="Früh", valid_until=date(2018, 1, 1))
    make_agreement(session, title="Spät", valid_until=date(2020, 1, 1))
    assert titles(client.get("/api/v1/agreements?sort=-valid_until")) == ["Spät", "Früh"]


def test_search_is_accent_insensitive(client, session):
    make_agreement(session, title="Jugendförderung")
    make_agreement(session, title="Sprache")
    assert titles(client.get("/api/v1/agreements?q=jugendforderung")) == ["Jugendförderung"]


def test_search_finds_the_reference_number(client, session):
    make_agreement(session, title="Sprache", reference_number="40.2-117")
    make_agreement(session, title="Ausbildung")
    assert titles(client.get("/api/v1/agreements?q=40.2-117")) == ["Sprache"]


@pytest.mark.parametrize(
    "query", ["colour=blue", "status=signed", "expires_before=soon", "sort=budget"]
)
def test_bad_query_parameter_answers_400(client, query):
    response = client.get(f"/api/v1/agreements?{query}")
    assert (response.status_code, response.content_type) == (400, "application/problem+json")


def test_a_party_leaving_later_is_current_in_lists_filters_and_the_network(client, session):
    """One meaning of "current" (crm.records.agreements): until `left_on`, that day included."""
    agreement = make_agreement(session, status=AgreementStatus.active)
    leaving, left = make_partner(session), make_partner(session)
    make_party(session, agreement, partner_id=make_partner(session).id)
    make_party(session, agreement, partner_id=leaving.id, left_on=date(2999, 12, 31))
    make_party(session, agreement, partner_id=left.id, left_on=date(2020, 1, 31))
    session.commit()

    def agreements_of(partner) -> list:
        return [
            a["id"] for a in client.get(f"/api/v1/agreements?partner_id={partner.id}").json["data"]
        ]

    assert (agreements_of(leaving), agreements_of(left)) == ([str(agreement.id)], [])
    current = client.get(f"/api/v1/agreements/{agreement.id}/parties?current=true").json["data"]
    assert str(leaving.id) in {p["partner_id"] for p in current}
    assert str(left.id) not in {p["partner_id"] for p in current}
    edges = client.get("/api/v1/network").json["edges"]
    tied = {e["source"] for e in edges} | {e["target"] for e in edges}
    assert str(leaving.id) in tied and str(left.id) not in tied

import uuid

import pytest
from sqlalchemy import select

from crm.models import Partner
from tests.factories import make_contact, make_partner, topic

NEW_PARTNER = {"name": "Jugendförderung Trier", "kind": "youth_work_provider", "sector": "external"}


def patch(client, partner_id, changes, etag='"v1"'):
    return client.patch(f"/api/v1/partners/{partner_id}", json=changes, headers={"If-Match": etag})


def test_create_answers_201_with_location_and_etag(client):
    response = client.post("/api/v1/partners", json=NEW_PARTNER)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v1/partners/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_create_stores_the_partner(client, session):
    response = client.post("/api/v1/partners", json=NEW_PARTNER | {"languages": ["ar", "prs"]})
    stored = session.get(Partner, uuid.UUID(response.json["id"]))
    assert (stored.name, stored.languages) == ("Jugendförderung Trier", ["ar", "prs"])


def test_create_defaults_status_to_active(client):
    assert client.post("/api/v1/partners", json=NEW_PARTNER).json["status"] == "active"


def test_timestamps_are_utc_with_z(client):
    body = client.post("/api/v1/partners", json=NEW_PARTNER).json
    assert body["created_at"].endswith("Z")


def test_create_links_topics(client, session):
    language = topic(session, "language")
    body = client.post(
        "/api/v1/partners", json=NEW_PARTNER | {"topic_ids": [str(language.id)]}
    ).json
    assert body["topic_ids"] == [str(language.id)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("email", "not-an-email"),
        ("sector", "somewhere"),
        ("kind", "spaceship"),
        ("postal_code", "123"),
        ("languages", ["Arabic"]),
        ("website", "not a url"),
        ("topic_ids", ["6b1f0c6e-0000-4000-8000-000000000000"]),
        ("name", 42),
    ],
)
def test_create_refuses_invalid_field(client, session, field, value):
    response = client.post("/api/v1/partners", json=NEW_PARTNER | {field: value})
    assert response.status_code == 422
    assert [key.split(".")[0] for key in response.json["errors"]] == [field]
    assert session.scalar(select(Partner.id)) is None


def test_create_refuses_unknown_field(client):
    response = client.post("/api/v1/partners", json=NEW_PARTNER | {"colour": "blue"})
    assert response.json["errors"] == {"colour": ["Unknown field."]}


def test_create_refuses_read_only_id(client):
    response = client.post("/api/v1/partners", json=NEW_PARTNER | {"id": "x"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["id"])


def test_create_requires_name(client):
    response = client.post("/api/v1/partners", json={"kind": "chamber", "sector": "external"})
    assert response.json["errors"]["name"] == ["Missing data for required field."]


def test_validation_error_is_problem_json(client):
    response = client.post("/api/v1/partners", json={})
    assert response.content_type == "application/problem+json"
    assert {"type", "title", "status", "detail", "instance", "request_id"} <= set(response.json)


def test_get_answers_the_partner_with_etag(client, session):
    partner = make_partner(session, name="IHK Trier")
    response = client.get(f"/api/v1/partners/{partner.id}")
    assert (response.json["name"], response.headers["ETag"]) == ("IHK Trier", '"v1"')


def test_get_with_matching_if_none_match_answers_304(client, session):
    partner = make_partner(session)
    response = client.get(f"/api/v1/partners/{partner.id}", headers={"If-None-Match": '"v1"'})
    assert (response.status_code, response.data) == (304, b"")


def test_get_missing_partner_answers_404_problem(client):
    response = client.get("/api/v1/partners/6b1f0c6e-0000-4000-8000-000000000000")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


def test_patch_changes_only_given_fields(client, session):
    partner = make_partner(session, name="IHK", short_name="IHK")
    body = patch(client, partner.id, {"name": "IHK Trier"}).json
    assert (body["name"], body["short_name"]) == ("IHK Trier", "IHK")


def test_patch_null_clears_optional_field(client, session):
    partner = make_partner(session, short_name="IHK")
    assert patch(client, partner.id, {"short_name": None}).json["short_name"] is None


def test_patch_null_is_refused_for_required_field(client, session):
    partner = make_partner(session)
    response = patch(client, partner.id, {"name": None})
    assert (response.status_code, list(response.json["errors"])) == (422, ["name"])


def test_patch_moves_the_etag(client, session):
    partner = make_partner(session)
    assert patch(client, partner.id, {"status": "archived"}).headers["ETag"] == '"v2"'


def test_patch_of_links_only_moves_the_etag(client, session):
    partner = make_partner(session)
    response = patch(client, partner.id, {"topic_ids": [str(topic(session, "language").id)]})
    assert response.headers["ETag"] == '"v2"'


def test_patch_without_if_match_answers_428(client, session):
    partner = make_partner(session)
    response = client.patch(f"/api/v1/partners/{partner.id}", json={"name": "Neu"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    partner = make_partner(session, name="Alt")
    response = patch(client, partner.id, {"name": "Neu"}, etag='"v7"')
    session.expire_all()
    assert (response.status_code, session.get(Partner, partner.id).name) == (412, "Alt")


def test_delete_unreferenced_partner(client, session):
    partner = make_partner(session)
    response = client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 204
    assert session.scalar(select(Partner.id).where(Partner.id == partner.id)) is None


def test_delete_referenced_partner_answers_409_naming_the_reference(client, session):
    partner = make_partner(session)
    contact = make_contact(session, partner_id=partner.id)
    response = client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert {"resource": "contact", "id": str(contact.id), "via": "partner_id"} in response.json[
        "references"
    ]


def test_viewer_cannot_create(viewer):
    assert viewer.post("/api/v1/partners", json=NEW_PARTNER).status_code == 403


def test_anonymous_gets_401_with_www_authenticate(anonymous):
    response = anonymous.get("/api/v1/partners")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_key_gets_401(anonymous):
    response = anonymous.get("/api/v1/partners", headers={"Authorization": "Bearer crm_nope"})
    assert response.status_code == 401


def test_patch_accepts_the_merge_patch_media_type(client, session):
    partner = make_partner(session, name="Alt")
    response = client.patch(
        f"/api/v1/partners/{partner.id}",
        data='{"name": "Neu"}',
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert (response.status_code, response.json["name"]) == (200, "Neu")


def test_patch_null_status_is_refused(client, session):
    partner = make_partner(session)
    response = patch(client, partner.id, {"status": None})
    assert (response.status_code, list(response.json["errors"])) == (422, ["status"])

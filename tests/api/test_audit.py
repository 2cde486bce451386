"""The audit trail: every write leaves an event in its own transaction; admins list them,
editors read one record's history; nobody changes them through the API."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.models import AuditEvent
from tests.factories import (
    MISSING_ID,
    make_agreement,
    make_contact,
    make_group,
    make_membership,
    make_partner,
    make_party,
    topic,
)

NEW_PARTNER = {"name": "Caritasverband Trier", "kind": "welfare_association", "sector": "external"}


def events(admin, **filters) -> list[dict]:
    response = admin.get("/api/v1/audit-events", query_string=filters)
    assert response.status_code == 200, response.json
    return response.json["data"]


def only_event(admin, **filters) -> dict:
    (event,) = events(admin, **filters)
    return event


def patch(client, url, changes, etag='"v1"'):
    return client.patch(url, json=changes, headers={"If-Match": etag})


# Writing


def test_create_records_who_when_and_the_new_values(client, admin, session):
    language = topic(session, "language")
    body = NEW_PARTNER | {"topic_ids": [str(language.id)]}
    created = client.post("/api/v1/partners", json=body, headers={"X-Request-ID": "req-7"}).json
    event = only_event(admin, resource_id=created["id"])
    assert (event["action"], event["resource_type"], event["request_id"]) == (
        "create",
        "partner",
        "req-7",
    )
    assert event["actor"].startswith("test-editor-")
    assert event["actor_kind"] == "api_key"
    assert event["changes"]["topic_ids"] == {"old": None, "new": [str(language.id)]}


def test_values_read_back_as_the_api_shows_them(client, admin, session):
    contact = make_contact(session)
    group = make_group(session)
    body = {
        "partner_id": str(make_partner(session).id),
        "contact_id": str(contact.id),
        "role": "chair",
        "start_date": "2016-05-01",
        "voting_right": False,
    }
    created = client.post(f"/api/v1/steering-groups/{group.id}/memberships", json=body).json
    changes = only_event(admin, resource_id=created["id"])["changes"]
    assert {field: change["new"] for field, change in changes.items()} == body | {
        "steering_group_id": str(group.id)
    }


def test_change_records_only_the_fields_that_changed(client, admin, session):
    partner = make_partner(session, name="Jobcenter", short_name="JC")
    patch(client, f"/api/v1/partners/{partner.id}", {"name": "Jobcenter Trier", "short_name": "JC"})
    event = only_event(admin, resource_id=str(partner.id))
    assert (event["action"], event["changes"]) == (
        "update",
        {"name": {"old": "Jobcenter", "new": "Jobcenter Trier"}},
    )


def test_linked_records_are_compared_as_sets_of_ids(client, admin, session):
    language = topic(session, "language")
    partner = make_partner(session, topics=[language])
    patch(client, f"/api/v1/partners/{partner.id}", {"topic_ids": [str(language.id)]})
    assert events(admin, resource_id=str(partner.id)) == []


def test_archiving_is_its_own_action(client, admin, session):
    partner = make_partner(session)
    patch(client, f"/api/v1/partners/{partner.id}", {"status": "archived"})
    assert only_event(admin, resource_id=str(partner.id))["action"] == "archive"


def test_delete_keeps_the_old_values(client, admin, session):
    partner = make_partner(session, name="Verein Brücke e.V.")
    client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    event = only_event(admin, resource_id=str(partner.id))
    assert (event["action"], event["changes"]["name"]) == (
        "delete",
        {"old": "Verein Brücke e.V.", "new": None},
    )


def test_refused_write_leaves_no_event(client, session):
    partner = make_partner(session)
    make_contact(session, partner_id=partner.id)
    response = client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_stale_write_leaves_no_event(client, session):
    partner = make_partner(session)
    response = patch(client, f"/api/v1/partners/{partner.id}", {"name": "Neu"}, etag='"v9"')
    assert response.status_code == 412
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_contact_events_name_the_person_for_erasure(client, admin):
    body = {"family_name": "Schäfer", "legal_basis": "public_task"}
    created = client.post("/api/v1/contacts", json=body).json
    assert only_event(admin, resource_id=created["id"])["data_subject_id"] == created["id"]


# Reading


def test_audit_events_are_for_admins_only(client):
    assert client.get("/api/v1/audit-events").status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_audit_events_cannot_be_changed(admin, method):
    response = getattr(admin, method)("/api/v1/audit-events", json={})
    assert (response.status_code, response.mimetype) == (405, "application/problem+json")


def test_audit_events_are_newest_first_and_paginated(client, admin, session):
    for name in ("Erster", "Zweiter", "Dritter"):
        client.post("/api/v1/partners", json=NEW_PARTNER | {"name": name})
    response = admin.get("/api/v1/audit-events?page_size=2")
    assert response.json["pagination"] == {"page": 1, "page_size": 2, "total": 3, "total_pages": 2}
    assert response.json["data"][0]["changes"]["name"]["new"] == "Dritter"


@pytest.mark.parametrize(
    ("parameter", "matching", "other"),
    [
        ("action", "archive", "update"),
        ("resource_type", "partner", "contact"),
        ("actor", None, "someone-else"),
    ],
)
def test_audit_events_filter_by(client, admin, session, parameter, matching, other):
    partner = make_partner(session)
    patch(client, f"/api/v1/partners/{partner.id}", {"status": "archived"})
    matching = matching or events(admin)[0]["actor"]
    assert len(events(admin, **{parameter: matching})) == 1
    assert events(admin, **{parameter: other}) == []


def test_audit_events_filter_by_time_range(client, admin):
    client.post("/api/v1/partners", json=NEW_PARTNER)
    now = datetime.now(UTC)
    earlier, later = (now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    assert len(events(admin, occurred_since=earlier, occurred_before=later)) == 1
    assert events(admin, occurred_since=later) == []


def test_a_time_without_zone_is_refused(admin):
    response = admin.get("/api/v1/audit-events?occurred_since=2026-01-01T00:00:00")
    assert (response.status_code, list(response.json["errors"])) == (400, ["occurred_since"])


# History


HISTORIES = {
    "partners": lambda session: make_partner(session),
    "contacts": lambda session: make_contact(session),
    "steering-groups": lambda session: make_group(session),
    "agreements": lambda session: make_agreement(session),
}


@pytest.mark.parametrize("collection", HISTORIES)
def test_history_tells_the_story_oldest_first(client, session, collection):
    record = HISTORIES[collection](session)
    url = f"/api/v1/{collection}/{record.id}"
    patch(client, url, {"notes": "erste Notiz"})
    patch(client, url, {"notes": "zweite Notiz"}, etag='"v2"')
    history = client.get(f"{url}/history").json["data"]
    assert [event["changes"]["notes"]["new"] for event in history] == [
        "erste Notiz",
        "zweite Notiz",
    ]


@pytest.mark.parametrize("collection", HISTORIES)
def test_history_of_a_missing_record_is_404(client, collection):
    assert client.get(f"/api/v1/{collection}/{MISSING_ID}/history").status_code == 404


def test_history_is_not_for_viewers(viewer, session):
    partner = make_partner(session)
    assert viewer.get(f"/api/v1/partners/{partner.id}/history").status_code == 403


def test_history_outlives_the_record(client, session):
    partner = make_partner(session)
    client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    history = client.get(f"/api/v1/partners/{partner.id}/history").json["data"]
    assert [event["action"] for event in history] == ["delete"]


def test_steering_group_history_includes_its_memberships(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    url = f"/api/v1/steering-groups/{group.id}/memberships/{membership.id}"
    patch(client, url, {"end_date": "2018-12-31"})
    (event,) = client.get(f"/api/v1/steering-groups/{group.id}/history").json["data"]
    assert (event["resource_type"], event["parent_id"]) == ("membership", str(group.id))
    assert event["changes"] == {"end_date": {"old": None, "new": "2018-12-31"}}


def test_agreement_history_includes_its_parties(client, session):
    agreement = make_agreement(session)
    party = make_party(session, agreement)
    patch(client, f"/api/v1/agreements/{agreement.id}/parties/{party.id}", {"role": "lead"})
    (event,) = client.get(f"/api/v1/agreements/{agreement.id}/history").json["data"]
    assert (event["resource_type"], event["changes"]["role"]) == (
        "agreement_party",
        {"old": "party", "new": "lead"},
    )


def test_history_filters_by_action(client, session):
    partner = make_partner(session)
    url = f"/api/v1/partners/{partner.id}"
    patch(client, url, {"name": "Neuer Name"})
    patch(client, url, {"status": "archived"}, etag='"v2"')
    history = client.get(f"{url}/history?action=archive").json["data"]
    assert [event["action"] for event in history] == ["archive"]

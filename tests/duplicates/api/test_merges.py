import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from crm.models import AuditEvent, Contact, Employment, ExportRun, ExportRunContact, Partner
from crm.models.enums import AuditAction
from crm.models.export import ExportRunStatus
from tests.factories import (
    make_agreement,
    make_contact,
    make_group,
    make_membership,
    make_partner,
    make_party,
    make_schedule,
    topic,
)


def merge(client, survivor, duplicate, dry_run=False, resource="partners", if_match='"v1"', **body):
    query = "?dry_run=true" if dry_run else ""
    return client.post(
        f"/api/v1/{resource}/{survivor.id}/merge{query}",
        json={"duplicate_id": str(duplicate.id), **body},
        headers={"If-Match": if_match} if if_match else {},
    )


def test_merge_moves_contacts_memberships_and_parties(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    contact = make_contact(session, partner_id=duplicate.id)
    membership = make_membership(session, make_group(session), duplicate)
    party = make_party(session, make_agreement(session), partner_id=duplicate.id)
    session.commit()
    body = merge(client, survivor, duplicate).json
    assert body["moved"] == {"contacts": 1, "memberships": 1, "agreement_parties": 1}
    session.expire_all()
    assert {contact.partner_id, membership.partner_id, party.partner_id} == {survivor.id}


def test_merge_deletes_the_duplicate(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    assert session.get(Partner, duplicate.id, populate_existing=True) is None


def test_merge_joins_topics(client, session):
    language, work = topic(session, "language"), topic(session, "vocational_orientation")
    survivor = make_partner(session, topics=[language])
    duplicate = make_partner(session, topics=[work, language])
    session.commit()
    body = merge(client, survivor, duplicate).json
    assert body["changes"]["topic_ids"] == [str(language.id), str(work.id)]


def test_merge_fills_what_the_survivor_lacks(client, session):
    survivor = make_partner(session, phone=None)
    duplicate = make_partner(session, phone="+49 651 2096-0")
    session.commit()
    merge(client, survivor, duplicate)
    assert client.get(f"/api/v1/partners/{survivor.id}").json["phone"] == "+49 651 2096-0"


def test_conflicts_keep_the_survivors_value_by_default(client, session):
    survivor = make_partner(session, email="info@caritas-trier.de")
    duplicate = make_partner(session, email="kontakt@caritas-trier.de")
    session.commit()
    body = merge(client, survivor, duplicate).json
    assert body["conflicts"]["email"] == {
        "survivor": "info@caritas-trier.de",
        "duplicate": "kontakt@caritas-trier.de",
        "kept": "survivor",
    }


def test_conflicts_keep_the_value_chosen(client, session):
    survivor = make_partner(session, email="info@caritas-trier.de")
    duplicate = make_partner(session, email="kontakt@caritas-trier.de")
    session.commit()
    merge(client, survivor, duplicate, keep={"email": "duplicate"})
    assert client.get(f"/api/v1/partners/{survivor.id}").json["email"] == (
        "kontakt@caritas-trier.de"
    )


def test_dry_run_reports_and_changes_nothing(client, session):
    survivor, duplicate = make_partner(session), make_partner(session, phone="0651 1")
    make_contact(session, partner_id=duplicate.id)
    session.commit()
    body = merge(client, survivor, duplicate, dry_run=True).json
    assert (body["dry_run"], body["moved"], body["changes"]) == (
        True,
        {"contacts": 1},
        {"phone": "0651 1"},
    )
    assert client.get(f"/api/v1/partners/{duplicate.id}").status_code == 200


def test_merged_id_answers_410_with_the_survivor(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    response = client.get(f"/api/v1/partners/{duplicate.id}")
    assert response.status_code == 410
    assert response.json["survivor_id"] == str(survivor.id)
    assert response.json["survivor_url"].endswith(f"/api/v1/partners/{survivor.id}")


def test_merged_id_answers_410_to_patch_and_delete(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    url, if_match = f"/api/v1/partners/{duplicate.id}", {"If-Match": '"v1"'}
    assert client.patch(url, json={"phone": "1"}, headers=if_match).status_code == 410
    assert client.delete(url, headers=if_match).status_code == 410


def test_a_chain_of_merges_points_at_the_last_survivor(client, session):
    first, second, third = make_partner(session), make_partner(session), make_partner(session)
    session.commit()
    merge(client, second, first)
    merge(client, third, second)
    response = client.get(f"/api/v1/partners/{first.id}")
    assert response.json["survivor_id"] == str(third.id)


def test_merged_partner_id_is_still_a_404_for_contacts(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    assert client.get(f"/api/v1/contacts/{duplicate.id}").status_code == 404


def test_merge_into_itself_is_refused(client, session):
    partner = make_partner(session)
    session.commit()
    response = merge(client, partner, partner)
    assert (response.status_code, list(response.json["errors"])) == (422, ["duplicate_id"])


def test_unknown_duplicate_is_refused(client, session):
    partner = make_partner(session)
    session.commit()
    response = client.post(
        f"/api/v1/partners/{partner.id}/merge", json={"duplicate_id": str(uuid.uuid4())}
    )
    assert (response.status_code, list(response.json["errors"])) == (422, ["duplicate_id"])


def test_choosing_an_unknown_field_is_refused(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    response = merge(client, survivor, duplicate, keep={"colour": "duplicate"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["keep.colour"])


def _merge_events(session, *record_ids) -> dict:
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.resource_id.in_(record_ids), AuditEvent.action == AuditAction.merge
        )
    ).all()
    return {event.resource_id: event for event in events}


def test_merge_is_recorded_as_a_merge_of_both_records(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    assert set(_merge_events(session, survivor.id, duplicate.id)) == {survivor.id, duplicate.id}


def test_the_survivors_merge_event_names_the_duplicate_and_what_changed(client, session):
    survivor, duplicate = make_partner(session), make_partner(session, phone="0651 1")
    session.commit()
    merge(client, survivor, duplicate)
    event = _merge_events(session, survivor.id)[survivor.id]
    assert event.changes == {
        "duplicate_id": {"old": None, "new": str(duplicate.id)},
        "phone": {"old": None, "new": "0651 1"},
    }


def test_the_duplicates_merge_event_names_the_survivor_and_keeps_its_values(client, session):
    survivor, duplicate = make_partner(session), make_partner(session, phone="0651 1")
    session.commit()
    merge(client, survivor, duplicate)
    event = _merge_events(session, duplicate.id)[duplicate.id]
    assert (event.parent_id, event.changes["survivor_id"], event.changes["phone"]) == (
        survivor.id,
        {"old": None, "new": str(survivor.id)},
        {"old": "0651 1", "new": None},
    )


def test_a_merge_shows_in_the_survivors_history(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    history = client.get(f"/api/v1/partners/{survivor.id}/history").json["data"]
    assert {(e["resource_id"], e["action"]) for e in history} >= {
        (str(survivor.id), "merge"),
        (str(duplicate.id), "merge"),
    }


def test_a_merge_is_a_merge_in_the_change_feed(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    changes = client.get("/api/v1/changes", query_string={"page_size": 1000}).json["data"]
    merged = {c["resource_id"]: c for c in changes if c["event_type"] == "partner.merge"}
    assert merged[str(duplicate.id)]["parent_id"] == str(survivor.id)
    assert "duplicate_id" in merged[str(survivor.id)]["changed_fields"]


def test_merge_without_if_match_is_a_428_and_changes_nothing(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    assert merge(client, survivor, duplicate, if_match=None).status_code == 428
    assert client.get(f"/api/v1/partners/{duplicate.id}").status_code == 200


def test_merge_with_a_stale_etag_is_a_412_and_changes_nothing(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    assert merge(client, survivor, duplicate, if_match='"v7"').status_code == 412
    assert client.get(f"/api/v1/partners/{duplicate.id}").status_code == 200


def test_a_dry_run_needs_no_if_match(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    assert merge(client, survivor, duplicate, dry_run=True, if_match=None).status_code == 200


def test_a_merge_moves_the_survivors_etag_on(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    merge(client, survivor, duplicate)
    assert client.get(f"/api/v1/partners/{survivor.id}").headers["ETag"] == '"v2"'


def test_contact_merge_without_if_match_is_a_428(client, session):
    survivor, duplicate = make_contact(session), make_contact(session)
    session.commit()
    response = merge(client, survivor, duplicate, resource="contacts", if_match=None)
    assert response.status_code == 428


def test_viewer_may_not_merge(viewer, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    assert merge(viewer, survivor, duplicate).status_code == 403


def test_contact_merge_moves_memberships_and_employment_history(client, session):
    partner = make_partner(session)
    survivor = make_contact(session, given_name="Anna", family_name="Meier")
    duplicate = make_contact(session, given_name="Anna", family_name="Mayer")
    session.add(
        Employment(contact_id=duplicate.id, partner_id=partner.id, start_date=date(2020, 1, 1))
    )
    membership = make_membership(session, make_group(session), partner, contact_id=duplicate.id)
    session.commit()
    body = merge(client, survivor, duplicate, resource="contacts").json
    assert body["moved"] == {"employments": 1, "memberships": 1}
    session.expire_all()
    assert membership.contact_id == survivor.id


def test_contact_merge_hands_the_duplicates_audit_events_to_the_survivor(client, session):
    survivor, duplicate = make_contact(session), make_contact(session)
    session.commit()
    client.patch(
        f"/api/v1/contacts/{duplicate.id}", json={"phone": "0651 2"}, headers={"If-Match": '"v1"'}
    )
    merge(client, survivor, duplicate, resource="contacts")
    subjects = session.scalars(
        select(AuditEvent.data_subject_id).where(AuditEvent.resource_id == duplicate.id)
    ).all()
    assert set(subjects) == {survivor.id}


def test_contact_merge_hands_stored_exports_naming_the_duplicate_to_the_survivor(client, session):
    survivor, duplicate = make_contact(session), make_contact(session)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    run = ExportRun(
        schedule_id=make_schedule(session).id,
        due_at=now,
        status=ExportRunStatus.succeeded,
        started_at=now,
        finished_at=now,
    )
    session.add(run)
    session.flush()
    session.add(ExportRunContact(run_id=run.id, contact_id=duplicate.id))
    session.commit()
    merge(client, survivor, duplicate, resource="contacts")
    named = session.scalars(select(ExportRunContact.contact_id)).all()
    assert named == [survivor.id]


def test_merged_contact_answers_410(client, session):
    survivor, duplicate = make_contact(session), make_contact(session)
    session.commit()
    merge(client, survivor, duplicate, resource="contacts")
    response = client.get(f"/api/v1/contacts/{duplicate.id}")
    assert (response.status_code, response.json["survivor_id"]) == (410, str(survivor.id))
    assert session.get(Contact, duplicate.id, populate_existing=True) is None


def test_an_erased_contact_cannot_be_merged(client, session):
    survivor, duplicate = make_contact(session), make_contact(session)
    duplicate.erased_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.commit()
    response = merge(client, survivor, duplicate, resource="contacts")
    assert (response.status_code, list(response.json["errors"])) == (422, ["duplicate_id"])

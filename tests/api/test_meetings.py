"""/api/v1/steering-groups/{id}/meetings: Sitzungen, attendance, Beschlüsse, Aufgaben."""

import uuid
from datetime import UTC, datetime

from crm.models import Meeting
from crm.models.meeting import AttendanceStatus
from tests.factories import (
    MISSING_ID,
    make_action_item,
    make_contact,
    make_group,
    make_meeting,
    make_partner,
)


def meetings_url(group, meeting=None, rest="") -> str:
    url = f"/api/v1/steering-groups/{group.id}/meetings"
    return (f"{url}/{meeting.id}" if meeting else url) + rest


def stored(session, meeting) -> Meeting:
    session.expire_all()
    return session.get(Meeting, meeting.id)


def test_add_answers_201_with_location(client, session):
    group = make_group(session)
    response = client.post(meetings_url(group), json={"starts_at": "2026-03-05T10:00:00+01:00"})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{meetings_url(group)}/{response.json['id']}")
    assert response.json["starts_at"] == "2026-03-05T09:00:00Z"


def test_add_stores_attendance_and_decisions_in_order(client, session):
    group, first, second = make_group(session), make_partner(session), make_partner(session)
    contact = make_contact(session, partner_id=first.id)
    body = {
        "starts_at": "2026-03-05T10:00:00+01:00",
        "attendance": [
            {"partner_id": str(second.id), "status": "excused"},
            {"partner_id": str(first.id), "contact_id": str(contact.id), "status": "present"},
        ],
        "decisions": [{"reference": "2026/1", "text": "Verstetigung"}, {"text": "Zweiter"}],
    }
    response = client.post(meetings_url(group), json=body)
    meeting = session.get(Meeting, uuid.UUID(response.json["id"]))
    assert [(a.partner_id, a.status) for a in meeting.attendance] == [
        (second.id, AttendanceStatus.excused),
        (first.id, AttendanceStatus.present),
    ]
    assert [d.text for d in meeting.decisions] == ["Verstetigung", "Zweiter"]


def test_a_partner_listed_twice_in_the_attendance_is_refused(client, session):
    group, partner = make_group(session), make_partner(session)
    entry = {"partner_id": str(partner.id), "status": "present"}
    body = {"starts_at": "2026-03-05T09:00:00Z", "attendance": [entry, entry]}
    response = client.post(meetings_url(group), json=body)
    assert response.status_code == 422
    assert "attendance" in response.json["errors"]


def test_an_end_before_the_start_is_refused(client, session):
    group = make_group(session)
    body = {"starts_at": "2026-03-05T09:00:00Z", "ends_at": "2026-03-05T08:00:00Z"}
    response = client.post(meetings_url(group), json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["ends_at"]


def test_a_time_without_offset_is_refused(client, session):
    response = client.post(
        meetings_url(make_group(session)), json={"starts_at": "2026-03-05T09:00"}
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["starts_at"]


def test_patch_replaces_the_attendance(client, session):
    group, partner, other = make_group(session), make_partner(session), make_partner(session)
    response = client.post(
        meetings_url(group),
        json={
            "starts_at": "2026-03-05T09:00:00Z",
            "attendance": [{"partner_id": str(partner.id), "status": "present"}],
        },
    )
    meeting = session.get(Meeting, uuid.UUID(response.json["id"]))
    changes = {"attendance": [{"partner_id": str(other.id), "status": "absent"}]}
    patched = client.patch(meetings_url(group, meeting), json=changes, headers={"If-Match": '"v1"'})
    assert patched.status_code == 200
    assert [a.partner_id for a in stored(session, meeting).attendance] == [other.id]


def test_patch_refuses_an_incomplete_attendance_entry(client, session):
    group, partner = make_group(session), make_partner(session)
    meeting = make_meeting(session, group)
    changes = {"attendance": [{"partner_id": str(partner.id)}]}
    response = client.patch(
        meetings_url(group, meeting), json=changes, headers={"If-Match": '"v1"'}
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["attendance.0.status"]


def test_a_meeting_of_another_group_is_not_found(client, session):
    meeting = make_meeting(session, make_group(session))
    response = client.get(meetings_url(make_group(session), meeting))
    assert response.status_code == 404


def test_list_filters_by_day_in_berlin_time(client, session):
    group = make_group(session)
    # 23:30 UTC on 4 March is 00:30 on 5 March in Berlin.
    late = make_meeting(session, group, starts_at=datetime(2026, 3, 4, 23, 30, tzinfo=UTC))
    make_meeting(session, group, starts_at=datetime(2026, 3, 4, 12, tzinfo=UTC))
    response = client.get(meetings_url(group), query_string={"starts_from": "2026-03-05"})
    assert [m["id"] for m in response.json["data"]] == [str(late.id)]


def test_a_group_with_meetings_cannot_be_deleted(client, session):
    group = make_group(session)
    make_meeting(session, group)
    response = client.delete(f"/api/v1/steering-groups/{group.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert response.json["references"][0]["resource"] == "meeting"


def test_calendar_holds_each_meeting_as_an_event(viewer, session):
    group = make_group(session, name="Willkommen bei Freunden")
    make_meeting(session, group, place="Kreishaus; Raum 2", agenda=["Begrüßung", "Bericht"])
    make_meeting(session, group, status="cancelled")
    response = viewer.get(meetings_url(group, rest="/calendar"))
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20260305T090000Z\r\n" in text
    assert "LOCATION:Kreishaus\\; Raum 2\r\n" in text
    assert "STATUS:CANCELLED\r\n" in text
    assert "SUMMARY:Sitzung: Willkommen bei Freunden\r\n" in text


def test_calendar_lines_are_folded_at_75_octets(viewer, session):
    group = make_group(session)
    meeting = make_meeting(session, group, title="Sitzung über Übergänge " * 8)
    text = viewer.get(meetings_url(group, meeting, "/calendar")).get_data(as_text=True)
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75
    unfolded = text.replace("\r\n ", "")
    assert f"SUMMARY:{'Sitzung über Übergänge ' * 8}".rstrip() in unfolded


def test_add_an_action_item(client, session):
    group, partner = make_group(session), make_partner(session)
    meeting = make_meeting(session, group)
    body = {"title": "Angebote sammeln", "responsible_partner_id": str(partner.id)}
    response = client.post(meetings_url(group, meeting, "/action-items"), json=body)
    assert response.status_code == 201
    assert (response.json["status"], response.json["meeting_id"]) == ("open", str(meeting.id))


def test_mark_an_action_item_done(client, session):
    group = make_group(session)
    meeting = make_meeting(session, group)
    item = make_action_item(session, meeting)
    url = meetings_url(group, meeting, f"/action-items/{item.id}")
    response = client.patch(url, json={"status": "done"}, headers={"If-Match": '"v1"'})
    assert (response.status_code, response.json["status"]) == (200, "done")


def test_an_action_item_of_another_meeting_is_not_found(client, session):
    group = make_group(session)
    item = make_action_item(session, make_meeting(session, group))
    other = make_meeting(session, group)
    response = client.get(meetings_url(group, other, f"/action-items/{item.id}"))
    assert response.status_code == 404


def test_action_items_need_an_existing_partner(client, session):
    group = make_group(session)
    meeting = make_meeting(session, group)
    body = {"title": "x", "responsible_partner_id": MISSING_ID}
    response = client.post(meetings_url(group, meeting, "/action-items"), json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["responsible_partner_id"]


def test_viewers_cannot_add_meetings(viewer, session):
    response = viewer.post(
        meetings_url(make_group(session)), json={"starts_at": "2026-03-05T09:00:00Z"}
    )
    assert response.status_code == 403

"""The steering-group report: each section's figures, as of the end of the period."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.models import Attendance, Decision
from crm.models.enums import AgreementStatus, Sector
from crm.models.meeting import ActionItemStatus, AttendanceStatus, MeetingStatus
from crm.reports.group_report import group_report
from crm.reports.report import Coded
from tests.factories import (
    make_action_item,
    make_agreement,
    make_contact,
    make_group,
    make_meeting,
    make_membership,
    make_partner,
    topic,
)

START, END = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def in_app(app):
    with app.app_context():
        yield


def section(report, key):
    found = next(s for s in report.sections if s.key == key)
    return [dict(zip([c.key for c in found.columns], row, strict=True)) for row in found.rows]


def report_of(group):
    return group_report(group, START, END)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_counts_current_members_by_sector_and_kind(in_app, session):
    group = make_group(session)
    for sector in (Sector.internal, Sector.internal, Sector.external):
        make_membership(session, group, make_partner(session, sector=sector))
    make_membership(session, group, make_partner(session), end_date=date(2026, 3, 1))
    rows = section(report_of(group), "members_by_sector_and_kind")
    assert [(r["sector"].code, r["kind"].code, r["members"]) for r in rows] == [
        ("external", "chamber", 1),
        ("internal", "chamber", 2),
    ]


def test_a_partner_in_two_roles_counts_once(in_app, session):
    group, partner = make_group(session), make_partner(session)
    make_membership(session, group, partner, role="chair")
    make_membership(session, group, partner, role="member")
    rows = section(report_of(group), "members_by_sector_and_kind")
    assert [r["members"] for r in rows] == [1]


def test_lists_who_joined_and_who_left_in_the_period(in_app, session):
    group = make_group(session)
    joined = make_partner(session, name="Neu")
    left = make_partner(session, name="Weg")
    make_membership(session, group, joined, start_date=date(2026, 2, 1))
    make_membership(session, group, left, start_date=date(2016, 5, 1), end_date=date(2026, 4, 30))
    make_membership(session, group, make_partner(session), start_date=date(2025, 12, 31))
    report = report_of(group)
    assert [(r["partner"], r["date"]) for r in section(report, "joined")] == [
        ("Neu", date(2026, 2, 1))
    ]
    assert [(r["partner"], r["date"]) for r in section(report, "left")] == [
        ("Weg", date(2026, 4, 30))
    ]


def test_counts_attendance_per_member(in_app, session):
    group, partner = make_group(session), make_partner(session, name="Jobcenter")
    make_membership(session, group, partner)
    statuses = [AttendanceStatus.present, AttendanceStatus.present, AttendanceStatus.excused]
    for day, status in zip((3, 4, 5), statuses, strict=True):
        meeting = make_meeting(
            session, group, starts_at=at(date(2026, day, 1)), status=MeetingStatus.held
        )
        meeting.attendance.append(Attendance(partner_id=partner.id, status=status))
    make_meeting(session, group, starts_at=at(date(2026, 6, 1)), status=MeetingStatus.held)
    make_meeting(session, group, starts_at=at(date(2026, 6, 2)), status=MeetingStatus.cancelled)
    session.flush()
    [row] = section(report_of(group), "attendance")
    assert row == {
        "partner": "Jobcenter",
        "meetings": 4,
        "present": 2,
        "excused": 1,
        "absent": 0,
        "not_recorded": 1,
    }


def test_lists_every_meeting_and_counts_attendance_of_those_held_only(in_app, session):
    group, partner = make_group(session), make_partner(session, name="Jobcenter")
    make_membership(session, group, partner)
    held = make_meeting(
        session, group, starts_at=at(date(2026, 3, 1)), place="Kreishaus", status=MeetingStatus.held
    )
    held.attendance.append(Attendance(partner_id=partner.id, status=AttendanceStatus.present))
    make_meeting(session, group, starts_at=at(date(2026, 4, 1)), status=MeetingStatus.planned)
    make_meeting(session, group, starts_at=at(date(2026, 5, 1)), status=MeetingStatus.cancelled)
    session.flush()
    report = report_of(group)
    meetings = section(report, "meetings")
    assert [(m["place"], m["status"].code, m["present"]) for m in meetings] == [
        ("Kreishaus", "held", 1),
        (None, "planned", None),
        (None, "cancelled", None),
    ]
    [row] = section(report, "attendance")
    assert (row["meetings"], row["present"], row["not_recorded"]) == (1, 1, 0)


def test_attendance_counts_only_meetings_during_the_membership(in_app, session):
    group, partner = make_group(session), make_partner(session)
    make_membership(session, group, partner, start_date=date(2026, 4, 1))
    make_meeting(session, group, starts_at=at(date(2026, 3, 1)), status=MeetingStatus.held)
    make_meeting(session, group, starts_at=at(date(2026, 5, 1)), status=MeetingStatus.held)
    [row] = section(report_of(group), "attendance")
    assert row["meetings"] == 1


def test_lists_decisions_of_the_period_in_order(in_app, session):
    group = make_group(session)
    inside = make_meeting(session, group, starts_at=at(date(2026, 3, 5)), status=MeetingStatus.held)
    inside.decisions.extend(
        [Decision(position=1, text="Zweiter"), Decision(position=0, reference="1", text="Erster")]
    )
    outside = make_meeting(
        session, group, starts_at=at(date(2025, 12, 5)), status=MeetingStatus.held
    )
    outside.decisions.append(Decision(text="Alt"))
    session.flush()
    rows = section(report_of(group), "decisions")
    assert [(r["meeting"], r["text"]) for r in rows] == [
        (date(2026, 3, 5), "Erster"),
        (date(2026, 3, 5), "Zweiter"),
    ]


def test_lists_open_action_items_and_flags_the_overdue(in_app, session):
    group = make_group(session)
    meeting = make_meeting(session, group, status=MeetingStatus.held)
    contact = make_contact(session, given_name="Anna", family_name="Schmidt")
    make_action_item(session, meeting, title="überfällig", due_on=date(2026, 5, 1))
    make_action_item(
        session, meeting, title="später", due_on=date(2026, 9, 1), responsible_contact_id=contact.id
    )
    make_action_item(session, meeting, title="erledigt", status=ActionItemStatus.done)
    report = report_of(group)
    rows = section(report, "open_action_items")
    assert [(r["title"], r["overdue"]) for r in rows] == [("überfällig", True), ("später", False)]
    assert rows[1]["responsible_contact"] == "Anna Schmidt"
    assert report.contact_ids == {contact.id}


def test_lists_agreements_in_force_in_the_period(in_app, session):
    """In force as crm.records.agreements says: a draft binds no one, an agreement that
    ended before the period is left out."""
    group = make_group(session)
    active = AgreementStatus.active
    make_agreement(
        session, title="Begonnen", steering_group_id=group.id, status=active, valid_from=START
    )
    make_agreement(
        session,
        title="Beendet",
        steering_group_id=group.id,
        status=AgreementStatus.expired,
        valid_until=START - timedelta(days=1),
    )
    make_agreement(
        session,
        title="Läuft aus",
        steering_group_id=group.id,
        status=AgreementStatus.active,
        valid_until=END + timedelta(days=30),
    )
    make_agreement(session, title="Entwurf", steering_group_id=group.id)
    rows = section(report_of(group), "agreements")
    assert [(r["title"], r["started"], r["expiring"]) for r in rows] == [
        ("Begonnen", True, False),
        ("Läuft aus", False, True),
    ]


def test_lists_topics_of_the_group_and_its_members(in_app, session):
    language = topic(session, "language")
    group = make_group(session, topics=[language])
    make_membership(session, group, make_partner(session, topics=[language]))
    rows = section(report_of(group), "topics_and_target_groups")
    assert [(r["entry"], r["group"], r["members"]) for r in rows] == [
        (Coded("language", language.label_de), True, 1)
    ]


def test_names_the_municipality_and_the_period(in_app, app, session):
    report = report_of(make_group(session))
    assert report.municipality == app.config["CRM_MUNICIPALITY_NAME"]
    assert [(p.key, p.value) for p in report.parameters] == [("from", START), ("to", END)]

"""The sections of a steering group's report that come from its meetings (Sitzungen):
attendance per member, the decisions (Beschlüsse) and the open action items (Aufgaben)."""

from collections import Counter
from datetime import date

from sqlalchemy import and_, or_, select

from crm.database import db
from crm.models import (
    ActionItem,
    Attendance,
    Contact,
    Decision,
    Meeting,
    Membership,
    Partner,
    SteeringGroup,
)
from crm.models.meeting import ActionItemStatus, AttendanceStatus, MeetingStatus
from crm.reports.report import Column, Kind, Report, Section, coded
from crm.reports.reporting import local_day, local_days, person_name, reportable_contacts

OPEN_ACTION_ITEMS = (ActionItemStatus.open, ActionItemStatus.in_progress)
MEMBER = Column("partner", "Mitglied", width=3)


def meetings_in(group: SteeringGroup, start: date, end: date, *statuses: MeetingStatus) -> list:
    """Conditions for the meetings of the period: those held, unless `statuses` names
    others. A meeting still planned has not been held, and a cancelled one never is."""
    first, after_last = local_days(start, end)
    return [
        Meeting.steering_group_id == group.id,
        Meeting.status.in_(statuses or (MeetingStatus.held,)),
        Meeting.starts_at >= first,
        Meeting.starts_at < after_last,
    ]


def meetings_section(group: SteeringGroup, start: date, end: date) -> Section:
    """Every meeting of the period (held, planned, cancelled) with its attendance: counted
    for a meeting held only."""
    meetings = db.session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.place, Meeting.status)
        .where(*meetings_in(group, start, end, *MeetingStatus))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    counts = Counter(
        db.session.execute(
            select(Attendance.meeting_id, Attendance.status).where(
                Attendance.meeting_id.in_([m.id for m in meetings])
            )
        ).all()
    )
    members = _members_expected(group, meetings)
    rows = []
    for meeting_id, starts_at, place, status in meetings:
        if status == MeetingStatus.held:
            recorded = [counts[(meeting_id, s)] for s in AttendanceStatus]
            figures = [*recorded, max(0, members[meeting_id] - sum(recorded))]
        else:
            figures = [None] * (len(AttendanceStatus) + 1)
        rows.append((starts_at, place, coded(status), *figures))
    return Section(
        "meetings",
        "Sitzungen im Zeitraum",
        [
            Column("starts_at", "Beginn", Kind.datetime),
            Column("place", "Ort", width=3),
            Column("status", "Status", Kind.coded),
            *(Column(s.value, s.label_de, Kind.integer) for s in AttendanceStatus),
            Column("not_recorded", "nicht erfasst", Kind.integer),
        ],
        rows,
    )


def _members_expected(group: SteeringGroup, meetings: list) -> Counter:
    """Per meeting, how many partners were members on its day."""
    spans = db.session.execute(
        select(Membership.partner_id, Membership.start_date, Membership.end_date).where(
            Membership.steering_group_id == group.id
        )
    ).all()
    expected = Counter()
    for meeting_id, starts_at, *_ in meetings:
        day = local_day(starts_at)
        expected[meeting_id] = len(
            {p for p, first, last in spans if first <= day <= (last or date.max)}
        )
    return expected


def attendance_section(group: SteeringGroup, start: date, end: date) -> Section:
    """Per member of the period: the meetings during its membership, and how it attended."""
    meetings = {
        meeting_id: local_day(starts_at)
        for meeting_id, starts_at in db.session.execute(
            select(Meeting.id, Meeting.starts_at).where(*meetings_in(group, start, end))
        )
    }
    spans = db.session.execute(
        select(Partner.id, Partner.name, Membership.start_date, Membership.end_date)
        .join(Partner, Membership.partner_id == Partner.id)
        .where(
            Membership.steering_group_id == group.id,
            Membership.start_date <= end,
            or_(Membership.end_date.is_(None), Membership.end_date >= start),
        )
        .order_by(Partner.sort_name)
    ).all()
    recorded = {
        (a.meeting_id, a.partner_id): a.status
        for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id.in_(meetings)))
    }
    attended: dict = {}
    for partner_id, name, first, last in spans:
        entry = attended.setdefault(partner_id, [name, set()])
        entry[1] |= {m for m, day in meetings.items() if first <= day <= (last or date.max)}
    rows = []
    for partner_id, (name, its_meetings) in attended.items():
        statuses = Counter(recorded.get((m, partner_id)) for m in its_meetings)
        counts = [statuses[status] for status in AttendanceStatus]
        rows.append((name, len(its_meetings), *counts, statuses[None]))
    return Section(
        "attendance",
        "Anwesenheit der Mitglieder",
        [
            MEMBER,
            Column("meetings", "Sitzungen", Kind.integer),
            *(Column(s.value, s.label_de, Kind.integer) for s in AttendanceStatus),
            Column("not_recorded", "nicht erfasst", Kind.integer),
        ],
        rows,
    )


def decisions_section(group: SteeringGroup, start: date, end: date) -> Section:
    rows = db.session.execute(
        select(Meeting.starts_at, Decision.reference, Decision.text)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(*meetings_in(group, start, end, MeetingStatus.held, MeetingStatus.planned))
        .order_by(Meeting.starts_at, Decision.position)
    ).all()
    return Section(
        "decisions",
        "Beschlüsse",
        [
            Column("meeting", "Sitzung", Kind.date),
            Column("reference", "Nr."),
            Column("text", "Beschluss", width=6),
        ],
        [(local_day(starts_at), reference, text) for starts_at, reference, text in rows],
    )


def open_action_items_section(group: SteeringGroup, end: date, report: Report) -> Section:
    rows = db.session.execute(
        select(ActionItem, Meeting.starts_at, Partner.name, Contact)
        .join(Meeting, ActionItem.meeting_id == Meeting.id)
        .outerjoin(Partner, ActionItem.responsible_partner_id == Partner.id)
        .outerjoin(
            Contact, and_(Contact.id == ActionItem.responsible_contact_id, reportable_contacts())
        )
        .where(Meeting.steering_group_id == group.id, ActionItem.status.in_(OPEN_ACTION_ITEMS))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, Meeting.starts_at)
    ).all()
    report.contact_ids |= {contact.id for *_, contact in rows if contact}
    return Section(
        "open_action_items",
        "Offene und überfällige Aufgaben",
        [
            Column("title", "Aufgabe", width=4),
            Column("responsible_partner", "Verantwortlich", width=2),
            Column("responsible_contact", "Ansprechperson", width=2),
            Column("due_on", "Fällig am", Kind.date),
            Column("status", "Status", Kind.coded),
            Column("overdue", "Überfällig", Kind.boolean),
            Column("meeting", "Sitzung", Kind.date),
        ],
        [
            (
                item.title,
                partner_name,
                person_name(contact),
                item.due_on,
                coded(item.status),
                item.due_on is not None and item.due_on < end,
                local_day(starts_at),
            )
            for item, starts_at, partner_name, contact in rows
        ],
    )

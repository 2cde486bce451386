"""Meetings as iCalendar (RFC 5545), so that staff can put them in their calendars.

Events carry the group, time, place, status and agenda; never the attendance, which is
personal data and no business of a calendar server.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from crm.models import Meeting, SteeringGroup
from crm.models.meeting import MeetingStatus
from crm.reports.content_lines import content, escape

PRODUCT = "-//Kooperationspartner-CRM//Sitzungen//DE"
EVENT_STATUS = {
    MeetingStatus.planned: "TENTATIVE",
    MeetingStatus.held: "CONFIRMED",
    MeetingStatus.cancelled: "CANCELLED",
}


def meetings_calendar(group: SteeringGroup, meetings: Iterable[Meeting], now: datetime) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(group.name)}",
    ]
    for meeting in meetings:
        lines.extend(_event(group, meeting, now))
    lines.append("END:VCALENDAR")
    return content(lines)


def _event(group: SteeringGroup, meeting: Meeting, now: datetime) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{meeting.id}@kooperationspartner-crm"
    yield f"DTSTAMP:{_utc(now)}"
    yield f"DTSTART:{_utc(meeting.starts_at)}"
    if meeting.ends_at:
        yield f"DTEND:{_utc(meeting.ends_at)}"
    yield f"SUMMARY:{escape(meeting.title or f'Sitzung: {group.name}')}"
    if meeting.place:
        yield f"LOCATION:{escape(meeting.place)}"
    if meeting.agenda:
        agenda = "\n".join(f"TOP {n}: {item}" for n, item in enumerate(meeting.agenda, 1))
        yield f"DESCRIPTION:{escape('Tagesordnung:' + chr(10) + agenda)}"
    yield f"STATUS:{EVENT_STATUS[meeting.status]}"
    # Calendars replace an event they know when its sequence number grows.
    yield f"SEQUENCE:{meeting.version - 1}"
    yield f"LAST-MODIFIED:{_utc(meeting.updated_at)}"
    yield "END:VEVENT"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

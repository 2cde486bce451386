"""Meetings as iCalendar (RFC 5545), so that staff can put them in their calendars.

Events carry the group, time, place, status and agenda; never the attendance, which is
personal data and no business of a calendar server.

RFC 5545 (3.6) wants at least one component in every calendar, so each one carries the
time zone the municipality meets in (`VTIMEZONE`, with `X-WR-TIMEZONE` for the calendar
apps that read that): a group without meetings is then a valid, empty calendar, which
calendar apps show in that zone. The events' times themselves are UTC.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from crm.models import Meeting, SteeringGroup
from crm.models.meeting import MeetingStatus
from crm.reports.content_lines import content, escape

PRODUCT = "-//Kooperationspartner-CRM//Sitzungen//DE"
TIME_ZONE = "Europe/Berlin"
# Central European Time and its summer time, changing on the last Sundays of March and
# October (EU rule since 1996), as calendar servers publish Europe/Berlin.
TIME_ZONE_COMPONENT = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TIME_ZONE}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19810329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
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
        f"X-WR-TIMEZONE:{TIME_ZONE}",
        *TIME_ZONE_COMPONENT,
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

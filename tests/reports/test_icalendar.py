"""Every calendar the API serves is valid RFC 5545, as read by a parser nobody here wrote
(the `icalendar` package), for a group with meetings and one without.

The calendars are found in the published document (every `GET` that answers
`text/calendar`); each is parsed, every component must have its required properties and
no parse errors, and the calendar must hold at least one component (RFC 5545, 3.6:
`icalbody = calprops component`), which the parser itself does not insist on.
"""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.factories import make_group, make_meeting

DOCUMENT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text())
CALENDAR_PATHS = [
    path
    for path, operations in DOCUMENT["paths"].items()
    if "text/calendar"
    in operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
]


def parsed_calendar(data: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.name == "VCALENDAR"
    assert calendar.subcomponents, "RFC 5545 3.6: a calendar holds at least one component"
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
        missing = [name for name in component.required if name not in component]
        assert not missing, (component.name, missing)
    return calendar


def test_the_document_serves_calendars():
    assert len(CALENDAR_PATHS) >= 2


@pytest.mark.parametrize("meetings", [0, 2], ids=["without-meetings", "with-meetings"])
@pytest.mark.parametrize("path", CALENDAR_PATHS)
def test_every_calendar_is_valid_rfc_5545(viewer, session, path, meetings):
    group = make_group(session, name="Netzwerk Sprache; Arbeit")
    made = [make_meeting(session, group, place="Kreishaus") for _ in range(meetings)]
    if "{meeting_id}" in path and not made:
        pytest.skip("a single meeting's calendar needs a meeting")
    url = path.replace("{group_id}", str(group.id))
    url = url.replace("{meeting_id}", str(made[0].id) if made else "")
    response = viewer.get(url)
    assert (response.status_code, response.mimetype) == (200, "text/calendar")
    calendar = parsed_calendar(response.get_data())
    events = calendar.walk("VEVENT")
    assert len(events) == (1 if "{meeting_id}" in path else meetings)


def test_the_time_zone_is_as_the_time_zone_database_has_it(viewer, session):
    group = make_group(session)
    data = viewer.get(f"/api/v1/steering-groups/{group.id}/meetings/calendar").get_data()
    component = parsed_calendar(data).walk("VTIMEZONE")[0]
    zone, berlin = component.to_tz(), ZoneInfo(str(component["TZID"]))
    for moment in (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12), datetime(2031, 10, 26, 4)):
        assert zone.utcoffset(moment) == berlin.utcoffset(moment), moment

"""/api/v1/steering-groups/{group_id}/meetings: the Sitzungen of a steering group, with
attendance, decisions (Beschlüsse) and action items (Aufgaben); as iCalendar too."""

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api.meeting_schemas import (
    ActionItemListArgs,
    ActionItemPatchSchema,
    ActionItemSchema,
    MeetingListArgs,
    MeetingPatchSchema,
    MeetingSchema,
)
from crm.database import db
from crm.http.blueprint import Blueprint
from crm.http.listing.pages import envelope, equality_filters, paginate
from crm.models import ActionItem, Meeting, SteeringGroup
from crm.models.base import utcnow
from crm.records.items import create, delete, get_or_404, item_response, update
from crm.reports.files import TEXT, file_response
from crm.reports.icalendar import meetings_calendar
from crm.reports.reporting import local_days

blp = Blueprint(
    "meetings",
    __name__,
    url_prefix="/api/v1/steering-groups/<uuid:group_id>/meetings",
    description="Sitzungen of a Steuerungsgruppe: date, place, agenda (Tagesordnung), who "
    "attended (anwesend, entschuldigt, abwesend), the decisions taken (Beschlüsse) and the "
    "action items agreed (Aufgaben). Meetings are also served as iCalendar.",
)

CALENDAR = "text/calendar"


SORTABLE = {
    "starts_at": Meeting.starts_at,
    "created_at": Meeting.created_at,
    "updated_at": Meeting.updated_at,
}
ACTION_ITEMS_SORTABLE = {
    "due_on": ActionItem.due_on,
    "created_at": ActionItem.created_at,
    "updated_at": ActionItem.updated_at,
}
WITH_ENTRIES = select(Meeting).options(
    selectinload(Meeting.attendance), selectinload(Meeting.decisions)
)


def _meeting_conditions(group: SteeringGroup, args: dict) -> list:
    conditions = [Meeting.steering_group_id == group.id]
    conditions += equality_filters(args, {"status": Meeting.status})
    if args.get("starts_from"):
        conditions.append(
            Meeting.starts_at >= local_days(args["starts_from"], args["starts_from"])[0]
        )
    if args.get("starts_until"):
        conditions.append(
            Meeting.starts_at < local_days(args["starts_until"], args["starts_until"])[1]
        )
    return conditions


def _meeting(group_id, meeting_id) -> Meeting:
    return get_or_404(Meeting, meeting_id, steering_group_id=group_id)


def _action_item(group_id, meeting_id, item_id) -> ActionItem:
    meeting = _meeting(group_id, meeting_id)
    return get_or_404(ActionItem, item_id, meeting_id=meeting.id)


def _calendar(group: SteeringGroup, meetings) -> object:
    return file_response(meetings_calendar(group, meetings, utcnow()), CALENDAR, "sitzungen.ics")


@blp.route("")
class Meetings(MethodView):
    @blp.arguments(MeetingListArgs, location="query")
    @blp.response(200, envelope(MeetingSchema))
    def get(self, args, group_id):
        """List the meetings of a steering group (Sitzungen)

        Filter by status (geplant, durchgeführt, abgesagt) and by day
        (`starts_from`, `starts_until`, Berlin time).
        """
        conditions = _meeting_conditions(get_or_404(SteeringGroup, group_id), args)
        return paginate(
            WITH_ENTRIES, args, conditions=conditions, sortable=SORTABLE, default_sort="starts_at"
        )

    @blp.arguments(MeetingSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data, group_id):
        """Add a meeting to a steering group

        Records a Sitzung of the Steuerungsgruppe: when and where, the Tagesordnung, and
        once held, the attendance and the Beschlüsse.
        """
        group = get_or_404(SteeringGroup, group_id)
        meeting = create(Meeting, data | {"steering_group_id": group.id})
        return item_response(meeting, 201)


@blp.route("/calendar")
class MeetingsCalendar(MethodView):
    @blp.response(200, TEXT, content_type=CALENDAR, description="The meetings as iCalendar.")
    def get(self, group_id):
        """Get the meetings of a steering group as a calendar (iCalendar)

        Every Sitzung of the Steuerungsgruppe as an `.ics` file to import or subscribe
        to in Outlook, Thunderbird or a phone. Cancelled meetings are marked as such.
        """
        group = get_or_404(SteeringGroup, group_id)
        meetings = db.session.scalars(
            select(Meeting).where(Meeting.steering_group_id == group.id).order_by(Meeting.starts_at)
        )
        return _calendar(group, meetings)


@blp.route("/<uuid:meeting_id>")
class MeetingItem(MethodView):
    @blp.response(200, MeetingSchema)
    def get(self, group_id, meeting_id):
        """Get a meeting"""
        return item_response(_meeting(group_id, meeting_id))

    @blp.arguments(MeetingPatchSchema)
    @blp.response(200, MeetingSchema)
    def patch(self, changes, group_id, meeting_id):
        """Change a meeting (JSON Merge Patch)

        After the Sitzung, send `attendance` and `decisions` (Beschlüsse) with
        `{"status": "held"}`; each list replaces the one stored.
        """
        meeting = update(_meeting(group_id, meeting_id), changes)
        return item_response(meeting)

    @blp.response(204)
    def delete(self, group_id, meeting_id):
        """Delete a meeting

        Removes the Sitzung with its attendance, Beschlüsse and Aufgaben. Meant for
        meetings entered by mistake: a meeting that did not take place is `cancelled`.
        """
        delete(_meeting(group_id, meeting_id))


@blp.route("/<uuid:meeting_id>/calendar")
class MeetingCalendar(MethodView):
    @blp.response(200, TEXT, content_type=CALENDAR, description="The meeting as iCalendar.")
    def get(self, group_id, meeting_id):
        """Get a meeting as a calendar entry (iCalendar)

        The Sitzung as an `.ics` file that staff put in their calendars.
        """
        meeting = _meeting(group_id, meeting_id)
        return _calendar(meeting.steering_group, [meeting])


@blp.route("/<uuid:meeting_id>/action-items")
class ActionItems(MethodView):
    @blp.arguments(ActionItemListArgs, location="query")
    @blp.response(200, envelope(ActionItemSchema))
    def get(self, args, group_id, meeting_id):
        """List the action items of a meeting (Aufgaben)

        What was agreed at the Sitzung, by whom and by when; filter by status.
        """
        meeting = _meeting(group_id, meeting_id)
        conditions = [ActionItem.meeting_id == meeting.id]
        conditions += equality_filters(args, {"status": ActionItem.status})
        return paginate(
            select(ActionItem),
            args,
            conditions=conditions,
            sortable=ACTION_ITEMS_SORTABLE,
            default_sort="due_on",
        )

    @blp.arguments(ActionItemSchema)
    @blp.response(201, ActionItemSchema)
    def post(self, data, group_id, meeting_id):
        """Add an action item to a meeting

        Records an Aufgabe: what is to be done, which partner or contact is responsible,
        and by when.
        """
        meeting = _meeting(group_id, meeting_id)
        item = create(ActionItem, data | {"meeting_id": meeting.id})
        return item_response(item, 201)


@blp.route("/<uuid:meeting_id>/action-items/<uuid:item_id>")
class ActionItemItem(MethodView):
    @blp.response(200, ActionItemSchema)
    def get(self, group_id, meeting_id, item_id):
        """Get an action item"""
        return item_response(_action_item(group_id, meeting_id, item_id))

    @blp.arguments(ActionItemPatchSchema)
    @blp.response(200, ActionItemSchema)
    def patch(self, changes, group_id, meeting_id, item_id):
        """Change an action item (JSON Merge Patch)

        Send `{"status": "done"}` when the Aufgabe is erledigt.
        """
        item = update(_action_item(group_id, meeting_id, item_id), changes)
        return item_response(item)

    @blp.response(204)
    def delete(self, group_id, meeting_id, item_id):
        """Delete an action item

        For Aufgaben entered by mistake; one that is no longer needed is `cancelled`.
        """
        delete(_action_item(group_id, meeting_id, item_id))

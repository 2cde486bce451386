"""Schemas of meetings (Sitzungen) and their action items (Aufgaben)."""

import marshmallow as ma
from marshmallow import fields, post_load, validate

from crm.http.fields import (
    Instant,
    MergePatch,
    Ref,
    ResourceSchema,
    Timestamp,
    enum,
    free_text,
    text,
)
from crm.http.listing.pages import ListArgs, SortField
from crm.models import Attendance, Contact, Decision, Partner
from crm.models.meeting import ActionItemStatus, AttendanceStatus, MeetingStatus


class Moment(Timestamp, Instant):
    """A point in time: with an offset when written, in UTC with `Z` when read."""


class Whole(fields.Nested):
    """A nested entry is always complete, also inside a merge patch."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=None, **kwargs)


class AttendanceSchema(ma.Schema):
    partner_id = Ref(Partner, required=True, metadata={"description": "The member partner."})
    contact_id = Ref(
        Contact, allow_none=True, metadata={"description": "Who attended for the partner."}
    )
    status = enum(AttendanceStatus, required=True, metadata={"example": "present"})

    @post_load
    def make(self, data, **_kwargs) -> Attendance:
        return Attendance(**data)


class DecisionSchema(ma.Schema):
    reference = text(50, metadata={"description": "Its number, e.g. `2026/3`."})
    text = free_text(
        10_000, required=True, metadata={"example": "Die Steuerungsgruppe wird verstetigt."}
    )

    @post_load
    def make(self, data, **_kwargs) -> Decision:
        return Decision(**data)


def _each_partner_once(entries: list[Attendance]) -> None:
    partners = [entry.partner_id for entry in entries]
    if len(set(partners)) < len(partners):
        raise ma.ValidationError("List each partner once.")


class MeetingSchema(ResourceSchema):
    steering_group_id = fields.UUID(dump_only=True)
    title = text(200, metadata={"example": "3. Sitzung der Steuerungsgruppe"})
    starts_at = Moment(required=True, metadata={"example": "2026-03-05T10:00:00+01:00"})
    ends_at = Moment(
        allow_none=True,
        metadata={"description": "Not before `starts_at`.", "example": "2026-03-05T12:00:00Z"},
    )
    place = text(300, metadata={"example": "Kreishaus, Raum 204"})
    agenda = fields.List(
        fields.String(validate=validate.Length(min=1, max=1000)),
        validate=validate.Length(max=100),
        metadata={"description": "The Tagesordnung, item by item.", "example": ["Begrüßung"]},
    )
    status = fields.Enum(
        MeetingStatus, by_value=True, metadata={"description": "`planned` when absent."}
    )
    attendance = fields.List(
        Whole(AttendanceSchema),
        validate=[validate.Length(max=500), _each_partner_once],
        metadata={"description": "Each member partner once; replaced as a whole."},
    )
    decisions = fields.List(
        Whole(DecisionSchema),
        validate=validate.Length(max=500),
        metadata={"description": "The Beschlüsse in order; replaced as a whole."},
    )
    notes = free_text(10_000)

    @post_load
    def keep_order(self, data, **_kwargs) -> dict:
        for name in ("attendance", "decisions"):
            for position, entry in enumerate(data.get(name) or []):
                entry.position = position
        return data


class MeetingPatchSchema(MergePatch, MeetingSchema):
    pass


class MeetingListArgs(ListArgs):
    status = fields.List(fields.Enum(MeetingStatus, by_value=True))
    starts_from = fields.Date(metadata={"description": "Meetings on or after this day."})
    starts_until = fields.Date(metadata={"description": "Meetings on or before this day."})
    sort = SortField(("starts_at", "created_at", "updated_at"))


class ActionItemSchema(ResourceSchema):
    meeting_id = fields.UUID(dump_only=True)
    title = text(500, required=True, metadata={"example": "Angebotsübersicht aktualisieren"})
    responsible_partner_id = Ref(Partner, allow_none=True)
    responsible_contact_id = Ref(Contact, allow_none=True)
    due_on = fields.Date(allow_none=True, metadata={"example": "2026-04-30"})
    status = fields.Enum(
        ActionItemStatus, by_value=True, metadata={"description": "`open` when absent."}
    )
    notes = free_text(10_000)


class ActionItemPatchSchema(MergePatch, ActionItemSchema):
    pass


class ActionItemListArgs(ListArgs):
    status = fields.List(fields.Enum(ActionItemStatus, by_value=True))
    sort = SortField(("due_on", "created_at", "updated_at"))

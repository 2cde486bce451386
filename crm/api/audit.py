"""The audit trail over HTTP: /api/v1/audit-events (admins) and each record's history.

Events are written by crm.records.items on every write; here they are only read. No route
changes or deletes an event.
"""

from dataclasses import dataclass

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.database import Base
from crm.http.blueprint import Blueprint
from crm.http.fields import Instant, Timestamp
from crm.http.listing.pages import ListArgs, Page, SortField, envelope, equality_filters, paginate
from crm.models import Agreement, AuditEvent, Contact, Partner, SteeringGroup
from crm.models.enums import ActorKind, ApiRole, AuditAction
from crm.records.audit import has_story, story_of
from crm.records.items import get_or_404

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1/audit-events",
    read_role=ApiRole.admin,
    write_role=ApiRole.admin,
    description="Änderungsprotokoll: who created, changed, archived or deleted which record "
    "when, with the old and new values. Read-only; for administrators.",
)
history_blp = Blueprint(
    "history",
    __name__,
    url_prefix="/api/v1",
    read_role=ApiRole.editor,
    description="Änderungsverlauf: the story of one partner, contact, steering group or "
    "agreement, from the audit trail. For editors and administrators.",
)
blueprints = [blp, history_blp]


class ChangeSchema(ma.Schema):
    old = fields.Raw(allow_none=True, metadata={"example": "active"})
    new = fields.Raw(allow_none=True, metadata={"example": "archived"})


class AuditEventSchema(ma.Schema):
    id = fields.UUID(dump_only=True)
    occurred_at = Timestamp(dump_only=True)
    actor = fields.String(
        dump_only=True,
        metadata={"description": "The API key's name or the person's user name."},
    )
    actor_kind = fields.Enum(ActorKind, by_value=True, dump_only=True)
    request_id = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "`X-Request-ID`."}
    )
    resource_type = fields.String(dump_only=True, metadata={"example": "partner"})
    resource_id = fields.UUID(dump_only=True)
    parent_id = fields.UUID(
        dump_only=True,
        allow_none=True,
        metadata={"description": "A membership's steering group, a party's agreement."},
    )
    action = fields.Enum(AuditAction, by_value=True, dump_only=True)
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ChangeSchema),
        dump_only=True,
        metadata={"description": "The fields that changed, with old and new values."},
    )
    data_subject_id = fields.UUID(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The contact whose personal data the values may hold."},
    )
    personal_data_erased_at = Timestamp(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When the values were blanked to erase personal data."},
    )


class HistoryArgs(ListArgs):
    class Meta:
        exclude = ("updated_since",)

    action = fields.List(fields.Enum(AuditAction, by_value=True))
    sort = SortField(("occurred_at",))


class AuditEventListArgs(HistoryArgs):
    resource_type = fields.List(
        fields.String(validate=validate.Length(max=60)),
        metadata={"description": "`partner`, `contact`, `steering_group`, `membership`, ..."},
    )
    resource_id = fields.List(fields.UUID())
    actor = fields.List(fields.String(validate=validate.Length(max=200)))
    data_subject_id = fields.List(fields.UUID())
    occurred_since = Instant(metadata={"description": "Events at or after this time (RFC 3339)."})
    occurred_before = Instant(metadata={"description": "Events before this time (RFC 3339)."})


AuditEventPageSchema = envelope(AuditEventSchema)
FILTERS = {
    "action": AuditEvent.action,
    "resource_type": AuditEvent.resource_type,
    "resource_id": AuditEvent.resource_id,
    "actor": AuditEvent.actor,
    "data_subject_id": AuditEvent.data_subject_id,
}


def _events(args: dict, *conditions, default_sort: str) -> Page:
    """A page of events matching `conditions` and the filters in `args`."""
    if args.get("occurred_since"):
        conditions += (AuditEvent.occurred_at >= args["occurred_since"],)
    if args.get("occurred_before"):
        conditions += (AuditEvent.occurred_at < args["occurred_before"],)
    return paginate(
        select(AuditEvent),
        args,
        conditions=[*conditions, *equality_filters(args, FILTERS)],
        sortable={"occurred_at": AuditEvent.occurred_at},
        default_sort=default_sort,
    )


@blp.route("")
class AuditEvents(MethodView):
    @blp.arguments(AuditEventListArgs, location="query")
    @blp.response(200, AuditEventPageSchema)
    def get(self, args):
        """List audit events (Änderungsprotokoll)

        Every create, change, archive, delete, erasure and merge, newest first: when, by
        whom (API key or person), in which request, on which record, and the fields with
        old and new values. Filter by resource, id, actor, action and time range.
        Administrators only.
        """
        return _events(args, default_sort="-occurred_at")


@dataclass(frozen=True)
class History:
    model: type[Base]
    path: str  # "partners/<uuid:partner_id>"
    entry: str  # "partner"
    entry_de: str  # "Kooperationspartner"
    includes: str = ""


HISTORIES = (
    History(Partner, "partners/<uuid:partner_id>", "partner", "Kooperationspartner"),
    History(Contact, "contacts/<uuid:contact_id>", "contact", "Ansprechperson"),
    History(
        SteeringGroup,
        "steering-groups/<uuid:group_id>",
        "steering group",
        "Steuerungsgruppe",
        " Changes to its memberships (Mitgliedschaften) are part of it.",
    ),
    History(
        Agreement,
        "agreements/<uuid:agreement_id>",
        "agreement",
        "Kooperationsvereinbarung",
        " Changes to its parties (Vertragsparteien) are part of it.",
    ),
)


def _history_view(history: History) -> type[MethodView]:
    @history_blp.arguments(HistoryArgs, location="query")
    @history_blp.response(200, AuditEventPageSchema)
    def get(self, args, **path):
        (record_id,) = path.values()
        if not has_story(record_id):
            get_or_404(history.model, record_id)
        return _events(args, story_of(record_id), default_sort="occurred_at")

    get.__doc__ = f"""Get the history of a {history.entry} (Änderungsverlauf)

    Who created and changed this {history.entry_de} when, and how, oldest first; it
    stays readable after the record is deleted.{history.includes}
    """
    name = history.model.__name__ + "History"
    return history_blp.route(f"/{history.path}/history")(type(name, (MethodView,), {"get": get}))


for _history in HISTORIES:
    _history_view(_history)

"""/api/v1/steering-groups: Steuerungsgruppen, Netzwerke, Arbeitskreise, Runde Tische, Gremien."""

from datetime import date

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.http.blueprint import Blueprint
from crm.http.fields import (
    ClassifiedSchema,
    MergePatch,
    Ref,
    ResourceSchema,
    enum,
    free_text,
    span_end,
    text,
)
from crm.http.listing.pages import (
    SearchableListArgs,
    SortField,
    envelope,
    equality_filters,
    paginate,
)
from crm.models import Contact, Membership, Partner, SteeringGroup
from crm.models.enums import SteeringGroupKind, SteeringGroupStatus
from crm.records.items import create, delete, get_or_404, item_response, update
from crm.records.memberships import in_force_on

blp = Blueprint(
    "steering_groups",
    __name__,
    url_prefix="/api/v1/steering-groups",
    description="Steuerungsgruppen, Netzwerke, Arbeitskreise, Runde Tische and Gremien: "
    "standing bodies whose members are listed, with their history, under `memberships`.",
)


class SteeringGroupSchema(ResourceSchema, ClassifiedSchema):
    name = text(200, required=True, metadata={"example": "Willkommen bei Freunden"})
    short_name = text(50, metadata={"example": "WbF"})
    kind = enum(
        SteeringGroupKind,
        required=True,
        metadata={"description": "Which body it is: see /api/v1/enumerations."},
    )
    purpose = free_text(
        10_000, metadata={"example": "Steuert die Bildungsangebote für Neuzugewanderte."}
    )
    status = fields.Enum(
        SteeringGroupStatus,
        by_value=True,
        metadata={"description": "`active` when absent; `archived` instead of deleting."},
    )
    founded_on = fields.Date(allow_none=True, metadata={"example": "2016-05-01"})
    dissolved_on = span_end("founded_on", metadata={"example": "2018-12-31"})
    funding_programme = text(
        200,
        metadata={
            "description": "The programme that funds it; it may outlive it (Verstetigung).",
            "example": "Willkommen bei Freunden",
        },
    )
    coordinating_partner_id = Ref(
        Partner,
        allow_none=True,
        metadata={"description": "The partner that coordinates the body (Geschäftsführung)."},
    )
    coordinating_contact_id = Ref(
        Contact,
        allow_none=True,
        metadata={"description": "The Ansprechperson who coordinates it."},
    )
    notes = free_text(10_000)


class SteeringGroupPatchSchema(MergePatch, SteeringGroupSchema):
    pass


class SteeringGroupListArgs(SearchableListArgs):
    kind = fields.List(fields.Enum(SteeringGroupKind, by_value=True))
    status = fields.List(fields.Enum(SteeringGroupStatus, by_value=True))
    topic_id = fields.List(fields.UUID())
    target_group_id = fields.List(fields.UUID())
    partner_id = fields.List(
        fields.UUID(), metadata={"description": "Groups where it is a member today."}
    )
    sort = SortField(("name", "founded_on", "created_at", "updated_at"))


SORTABLE = {
    "name": SteeringGroup.sort_name,
    "founded_on": SteeringGroup.founded_on,
    "created_at": SteeringGroup.created_at,
    "updated_at": SteeringGroup.updated_at,
}


FILTERS = {
    "kind": SteeringGroup.kind,
    "status": SteeringGroup.status,
    "topic_id": SteeringGroup.topics,
    "target_group_id": SteeringGroup.target_groups,
}


def _conditions(args: dict) -> list:
    conditions = equality_filters(args, FILTERS)
    if args.get("partner_id"):
        conditions.append(
            SteeringGroup.id.in_(
                select(Membership.steering_group_id).where(
                    Membership.partner_id.in_(args["partner_id"]), in_force_on(date.today())
                )
            )
        )
    return conditions


@blp.route("")
class SteeringGroups(MethodView):
    @blp.arguments(SteeringGroupListArgs, location="query")
    @blp.response(200, envelope(SteeringGroupSchema))
    def get(self, args):
        """List steering groups (Steuerungsgruppen, Netzwerke, Gremien)

        Filter by kind (Steuerungsgruppe, Netzwerk, Arbeitskreis, Runder Tisch, Gremium),
        status, topic (Handlungsfeld), target group (Zielgruppe) and current member
        (`partner_id`); search name, purpose and funding programme with `q`.
        """
        statement = select(SteeringGroup).options(
            selectinload(SteeringGroup.topics), selectinload(SteeringGroup.target_groups)
        )
        return paginate(
            statement, args, conditions=_conditions(args), sortable=SORTABLE, default_sort="name"
        )

    @blp.arguments(SteeringGroupSchema)
    @blp.response(201, SteeringGroupSchema)
    def post(self, data):
        """Create a steering group

        Creates a Steuerungsgruppe, Netzwerk, Arbeitskreis, Runder Tisch or Gremium; add
        its members under `/steering-groups/{group_id}/memberships`.
        """
        group = create(SteeringGroup, data)
        return item_response(group, 201)


@blp.route("/<uuid:group_id>")
class SteeringGroupItem(MethodView):
    @blp.response(200, SteeringGroupSchema)
    def get(self, group_id):
        """Get a steering group"""
        return item_response(get_or_404(SteeringGroup, group_id))

    @blp.arguments(SteeringGroupPatchSchema)
    @blp.response(200, SteeringGroupSchema)
    def patch(self, changes, group_id):
        """Change a steering group (JSON Merge Patch)

        Send `{"status": "archived"}` to archive a Steuerungsgruppe, or `dissolved` with
        `dissolved_on` when the body was dissolved (aufgelöst).
        """
        group = update(get_or_404(SteeringGroup, group_id), changes)
        return item_response(group)

    @blp.response(204)
    def delete(self, group_id):
        """Delete a steering group

        Refused with 409, naming the records, while memberships or agreements
        (Kooperationsvereinbarungen) refer to the Steuerungsgruppe: archive it instead.
        """
        delete(get_or_404(SteeringGroup, group_id))

"""/api/v1/steering-groups/{group_id}/memberships: the Mitgliedschaften of a steering group."""

import uuid
from datetime import date

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import func

from crm.http.blueprint import Blueprint
from crm.http.fields import MergePatch, Ref, ResourceSchema, enum, free_text, span_end
from crm.http.listing.pages import ListArgs, SortField, envelope, equality_filters, paginate
from crm.http.listing.rows import AcceptsDumped, RowDump
from crm.models import Contact, Membership, Partner, SteeringGroup
from crm.models.enums import MembershipRole
from crm.records.items import create, delete, get_or_404, item_response, update
from crm.records.memberships import ended_before, in_force_on

blp = Blueprint(
    "memberships",
    __name__,
    url_prefix="/api/v1/steering-groups/<uuid:group_id>/memberships",
    description="Mitgliedschaften: the partners in a Steuerungsgruppe, each represented by a "
    "contact, with a role and a time span. A member who leaves keeps the record, with "
    "`end_date` set, so that the history stays queryable.",
)


class MembershipSchema(AcceptsDumped, ResourceSchema):
    steering_group_id = fields.UUID(dump_only=True)
    partner_id = Ref(Partner, required=True)
    contact_id = Ref(
        Contact,
        allow_none=True,
        metadata={"description": "The Ansprechperson who represents the partner."},
    )
    deputy_contact_id = Ref(
        Contact, allow_none=True, metadata={"description": "The Vertretung of that person."}
    )
    role = enum(MembershipRole, required=True, metadata={"example": "member"})
    voting_right = fields.Boolean(
        metadata={"description": "Stimmrecht; `true` when absent.", "example": True}
    )
    start_date = fields.Date(required=True, metadata={"example": "2016-05-01"})
    end_date = span_end(
        "start_date",
        metadata={
            "description": "The last day of the membership; set it when the member leaves.",
            "example": "2018-12-31",
        },
    )
    notes = free_text(10_000)


class MembershipPatchSchema(MergePatch, MembershipSchema):
    pass


MEMBERSHIP_ROWS = RowDump(MembershipSchema(), Membership)


class MembershipListArgs(ListArgs):
    role = fields.List(fields.Enum(MembershipRole, by_value=True))
    partner_id = fields.List(fields.UUID())
    as_of = fields.Date(
        metadata={
            "description": "Members on that day: started by then and not ended before.",
            "example": "2017-03-01",
        }
    )
    current = fields.Boolean(
        metadata={
            "description": "`true`: members today; `false`: former members, whose membership "
            "has ended."
        }
    )
    sort = SortField(("start_date", "end_date", "role", "created_at", "updated_at"))


SORTABLE = {
    "start_date": Membership.start_date,
    # An open membership ends "never": last in ascending order, on every database.
    "end_date": func.coalesce(Membership.end_date, date.max),
    "role": Membership.role,
    "created_at": Membership.created_at,
    "updated_at": Membership.updated_at,
}


FILTERS = {"role": Membership.role, "partner_id": Membership.partner_id}


def _conditions(group_id: uuid.UUID, args: dict) -> list:
    conditions = [Membership.steering_group_id == group_id, *equality_filters(args, FILTERS)]
    if args.get("as_of"):
        conditions.append(in_force_on(args["as_of"]))
    if args.get("current") is not None:
        today = date.today()
        conditions.append(in_force_on(today) if args["current"] else ended_before(today))
    return conditions


@blp.route("")
class Memberships(MethodView):
    @blp.arguments(MembershipListArgs, location="query")
    @blp.response(200, envelope(MembershipSchema))
    def get(self, args, group_id):
        """List the memberships of a steering group (Mitgliedschaften)

        Former members stay in the list. `as_of=2017-03-01` answers who sat in the
        Steuerungsgruppe on that day; `current=true` who sits in it today. Filter by role
        (Vorsitz, Koordination, Mitglied, ...) and partner.
        """
        page = paginate(
            MEMBERSHIP_ROWS.select(),
            args,
            conditions=_conditions(group_id, args),
            sortable=SORTABLE,
            default_sort="start_date",
            item=MEMBERSHIP_ROWS.dump,
        )
        if not page.data:  # no member then, or no such group?
            get_or_404(SteeringGroup, group_id)
        return page

    @blp.arguments(MembershipSchema)
    @blp.response(201, MembershipSchema)
    def post(self, data, group_id):
        """Add a member to a steering group

        A partner joins the Steuerungsgruppe with a role from `start_date`, represented
        by a contact and a deputy.
        """
        group = get_or_404(SteeringGroup, group_id)
        membership = create(Membership, data | {"steering_group_id": group.id})
        return item_response(membership, 201)


@blp.route("/<uuid:membership_id>")
class MembershipItem(MethodView):
    @blp.response(200, MembershipSchema)
    def get(self, group_id, membership_id):
        """Get a membership"""
        return item_response(get_or_404(Membership, membership_id, steering_group_id=group_id))

    @blp.arguments(MembershipPatchSchema)
    @blp.response(200, MembershipSchema)
    def patch(self, changes, group_id, membership_id):
        """Change a membership (JSON Merge Patch)

        To end a Mitgliedschaft, send `{"end_date": "2018-12-31"}`: the record stays, so
        the Steuerungsgruppe's history can still be queried. For a new role, end this
        membership and add another.
        """
        membership = get_or_404(Membership, membership_id, steering_group_id=group_id)
        membership = update(membership, changes)
        return item_response(membership)

    @blp.response(204)
    def delete(self, group_id, membership_id):
        """Delete a membership

        Removes the record, history included: for a member who left, set `end_date`
        instead. Meant for memberships entered by mistake.
        """
        delete(get_or_404(Membership, membership_id, steering_group_id=group_id))

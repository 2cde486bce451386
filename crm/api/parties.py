"""/api/v1/agreements/{agreement_id}/parties: the Vertragsparteien of an agreement."""

from datetime import date

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from crm.http.blueprint import Blueprint
from crm.http.fields import MergePatch, Ref, ResourceSchema, enum, span_end
from crm.http.listing.pages import ListArgs, SortField, envelope, equality_filters, paginate
from crm.models import Agreement, AgreementParty, Contact, Partner
from crm.models.enums import PartyRole
from crm.records.agreements import party_current_on, require_parties_to_remain
from crm.records.items import create, delete, get_or_404, item_response, update

blp = Blueprint(
    "parties",
    __name__,
    url_prefix="/api/v1/agreements/<uuid:agreement_id>/parties",
    description="Vertragsparteien: the partners bound by an agreement, each with a role and "
    "a time span. A party that leaves keeps its record, with `left_on` set.",
)


class PartySchema(ResourceSchema):
    agreement_id = fields.UUID(dump_only=True)
    partner_id = Ref(Partner, required=True)
    role = enum(PartyRole, required=True, metadata={"example": "lead"})
    signatory_contact_id = Ref(
        Contact,
        allow_none=True,
        metadata={"description": "The Ansprechperson who signed for the partner."},
    )
    joined_on = fields.Date(allow_none=True, metadata={"example": "2017-08-01"})
    left_on = span_end(
        "joined_on",
        metadata={
            "description": "Set when the partner leaves (not before `joined_on`); a party "
            "that left stays on record but no longer counts.",
            "example": "2018-07-31",
        },
    )


class PartyPatchSchema(MergePatch, PartySchema):
    pass


class PartyListArgs(ListArgs):
    role = fields.List(fields.Enum(PartyRole, by_value=True))
    partner_id = fields.List(fields.UUID())
    current = fields.Boolean(
        metadata={
            "description": "`true`: parties current today (joined, and `left_on` not before "
            "today); `false`: the others."
        }
    )
    sort = SortField(("joined_on", "left_on", "role", "created_at", "updated_at"))


SORTABLE = {
    "joined_on": AgreementParty.joined_on,
    "left_on": AgreementParty.left_on,
    "role": AgreementParty.role,
    "created_at": AgreementParty.created_at,
    "updated_at": AgreementParty.updated_at,
}


FILTERS = {"role": AgreementParty.role, "partner_id": AgreementParty.partner_id}


def _conditions(agreement: Agreement, args: dict) -> list:
    conditions = [AgreementParty.agreement_id == agreement.id, *equality_filters(args, FILTERS)]
    if args.get("current") is not None:
        current = party_current_on(date.today())
        conditions.append(current if args["current"] else ~current)
    return conditions


@blp.route("")
class Parties(MethodView):
    @blp.arguments(PartyListArgs, location="query")
    @blp.response(200, envelope(PartySchema))
    def get(self, args, agreement_id):
        """List the parties of an agreement (Vertragsparteien)

        Filter by role, partner and whether the party is current; parties that left stay
        in the list unless `current=true`.
        """
        conditions = _conditions(get_or_404(Agreement, agreement_id), args)
        return paginate(
            select(AgreementParty),
            args,
            conditions=conditions,
            sortable=SORTABLE,
            default_sort="created_at",
        )

    @blp.arguments(PartySchema)
    @blp.response(201, PartySchema)
    def post(self, data, agreement_id):
        """Add a party to an agreement

        Adds a Vertragspartei: the partner, its role (federführend, Vertragspartei,
        Fördermittelgeber) and who signed for it.
        """
        agreement = get_or_404(Agreement, agreement_id)
        party = create(AgreementParty, data | {"agreement_id": agreement.id})
        return item_response(party, 201)


@blp.route("/<uuid:party_id>")
class PartyItem(MethodView):
    @blp.response(200, PartySchema)
    def get(self, agreement_id, party_id):
        """Get a party of an agreement

        One Vertragspartei of the Kooperationsvereinbarung, with its role and time span.
        """
        return item_response(get_or_404(AgreementParty, party_id, agreement_id=agreement_id))

    @blp.arguments(PartyPatchSchema)
    @blp.response(200, PartySchema)
    def patch(self, changes, agreement_id, party_id):
        """Change a party (JSON Merge Patch)

        Set `left_on` when a partner leaves the Kooperationsvereinbarung. Refused with 409
        when an agreement in force would keep fewer than two current parties.
        """
        party = update(get_or_404(AgreementParty, party_id, agreement_id=agreement_id), changes)
        require_parties_to_remain(party.agreement)
        return item_response(party)

    @blp.response(204)
    def delete(self, agreement_id, party_id):
        """Remove a party from an agreement

        Removes the record, history included: to record that a partner left, set
        `left_on` instead. Refused with 409 when an agreement in force would keep fewer
        than two current parties.
        """
        agreement = get_or_404(Agreement, agreement_id)
        delete(get_or_404(AgreementParty, party_id, agreement_id=agreement_id))
        require_parties_to_remain(agreement)

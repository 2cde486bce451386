"""/api/v1/agreements: Kooperationsvereinbarungen, Rahmenvereinbarungen, Absichtserklärungen."""

from datetime import date

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.http.blueprint import Blueprint
from crm.http.fields import (
    ClassifiedSchema,
    MergePatch,
    Ref,
    ResourceSchema,
    WholeNumber,
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
from crm.models import Agreement, AgreementParty, SteeringGroup
from crm.models.enums import AgreementKind, AgreementStatus
from crm.records.agreements import party_current_on, require_parties_to_take_effect
from crm.records.items import create, delete, get_or_404, item_response, update

blp = Blueprint(
    "agreements",
    __name__,
    url_prefix="/api/v1/agreements",
    description="Kooperationsvereinbarungen, Rahmenvereinbarungen, Absichtserklärungen: "
    "written agreements between two or more parties, with their lifecycle and dates.",
)


class AgreementSchema(ResourceSchema, ClassifiedSchema):
    title = text(300, required=True, metadata={"example": "Kooperationsmodell Migrantenklasse 18+"})
    reference_number = text(
        100,
        metadata={"description": "The file number (Aktenzeichen); unique.", "example": "40.2-117"},
    )
    kind = enum(AgreementKind, required=True, metadata={"example": "cooperation_agreement"})
    status = fields.Enum(
        AgreementStatus,
        by_value=True,
        metadata={
            "description": "`draft` when absent. `active` (in Kraft) needs at least two "
            "current parties; `archived` instead of deleting."
        },
    )
    signed_on = fields.Date(allow_none=True, metadata={"example": "2017-08-01"})
    valid_from = fields.Date(allow_none=True, metadata={"example": "2017-08-01"})
    valid_until = span_end("valid_from", metadata={"example": "2019-07-31"})
    notice_period_days = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=3650),
        metadata={"description": "Kündigungsfrist in days.", "example": 90},
    )
    steering_group_id = Ref(
        SteeringGroup,
        allow_none=True,
        metadata={"description": "The Steuerungsgruppe that oversees the agreement."},
    )
    notes = free_text(10_000)


class AgreementPatchSchema(MergePatch, AgreementSchema):
    pass


class AgreementListArgs(SearchableListArgs):
    status = fields.List(fields.Enum(AgreementStatus, by_value=True))
    kind = fields.List(fields.Enum(AgreementKind, by_value=True))
    partner_id = fields.List(
        fields.UUID(), metadata={"description": "Agreements it is a current party to."}
    )
    steering_group_id = fields.List(fields.UUID())
    topic_id = fields.List(fields.UUID())
    target_group_id = fields.List(fields.UUID())
    expires_before = fields.Date(
        metadata={
            "description": "Only agreements valid until before this date.",
            "example": "2026-12-31",
        }
    )
    sort = SortField(("title", "valid_until", "signed_on", "created_at", "updated_at"))


SORTABLE = {
    "title": Agreement.sort_name,
    "valid_until": Agreement.valid_until,
    "signed_on": Agreement.signed_on,
    "created_at": Agreement.created_at,
    "updated_at": Agreement.updated_at,
}


FILTERS = {
    "status": Agreement.status,
    "kind": Agreement.kind,
    "steering_group_id": Agreement.steering_group_id,
    "topic_id": Agreement.topics,
    "target_group_id": Agreement.target_groups,
}


def _conditions(args: dict) -> list:
    conditions = equality_filters(args, FILTERS)
    if args.get("partner_id"):
        conditions.append(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(
                    AgreementParty.partner_id.in_(args["partner_id"]),
                    party_current_on(date.today()),
                )
            )
        )
    if args.get("expires_before"):
        conditions.append(Agreement.valid_until < args["expires_before"])
    return conditions


@blp.route("")
class Agreements(MethodView):
    @blp.arguments(AgreementListArgs, location="query")
    @blp.response(200, envelope(AgreementSchema))
    def get(self, args):
        """List agreements (Kooperationsvereinbarungen)

        Filter by status, kind, party (`partner_id`), Steuerungsgruppe, topic
        (Handlungsfeld) and target group (Zielgruppe); `expires_before` with `status=active`
        shows which agreements run out soon. Search title and reference number with `q`.
        """
        statement = select(Agreement).options(
            selectinload(Agreement.topics), selectinload(Agreement.target_groups)
        )
        return paginate(
            statement, args, conditions=_conditions(args), sortable=SORTABLE, default_sort="title"
        )

    @blp.arguments(AgreementSchema)
    @blp.response(201, AgreementSchema)
    def post(self, data):
        """Create an agreement

        A new Kooperationsvereinbarung starts as a `draft`: add its parties under
        `/agreements/{agreement_id}/parties`, then set it `active`.
        """
        agreement = create(Agreement, data)
        require_parties_to_take_effect(agreement)
        return item_response(agreement, 201)


@blp.route("/<uuid:agreement_id>")
class AgreementItem(MethodView):
    @blp.response(200, AgreementSchema)
    def get(self, agreement_id):
        """Get an agreement

        One Kooperationsvereinbarung; its parties are under `/parties`.
        """
        return item_response(get_or_404(Agreement, agreement_id))

    @blp.arguments(AgreementPatchSchema)
    @blp.response(200, AgreementSchema)
    def patch(self, changes, agreement_id):
        """Change an agreement (JSON Merge Patch)

        Setting `status` to `active` (in Kraft) needs at least two current parties (422
        otherwise). Send `{"status": "archived"}` to archive an agreement.
        """
        agreement = update(get_or_404(Agreement, agreement_id), changes)
        require_parties_to_take_effect(agreement)
        return item_response(agreement)

    @blp.response(204)
    def delete(self, agreement_id):
        """Delete an agreement

        Deletes the Kooperationsvereinbarung together with its parties. In normal use,
        archive it instead (`status` `archived`), so that its history stays.
        """
        delete(get_or_404(Agreement, agreement_id))

"""/api/v1/partners: Kooperationspartner, the organisations the municipality works with."""

from datetime import date

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.duplicates.api.duplicates import CreateArgs, refuse_likely_duplicate
from crm.http.blueprint import Blueprint
from crm.http.fields import (
    ClassifiedSchema,
    MergePatch,
    RefList,
    ResourceSchema,
    VocabularyCode,
    email,
    enum,
    free_text,
    language_code,
    phone,
    text,
    web_address,
)
from crm.http.listing.pages import (
    SearchableListArgs,
    SortField,
    envelope,
    equality_filters,
    paginate,
)
from crm.http.listing.rows import AcceptsDumped, RowDump
from crm.http.patterns import NO_NUL, Pattern
from crm.models import Membership, Municipality, Partner, PartnerKind
from crm.models.enums import PartnerStatus, Sector
from crm.records.items import create, delete, get_or_404, item_response, update
from crm.records.memberships import in_force_on

blp = Blueprint(
    "partners",
    __name__,
    url_prefix="/api/v1/partners",
    description="Kooperationspartner: chambers, associations, migrant organisations, job "
    "centres, schools, language-course providers and units of the administration itself.",
)


class ExternalIdSchema(ma.Schema):
    scheme = text(50, required=True, metadata={"example": "vereinsregister"})
    value = text(100, required=True, metadata={"example": "VR 1234"})


class PartnerSchema(AcceptsDumped, ResourceSchema, ClassifiedSchema):
    name = text(200, required=True, metadata={"example": "Handwerkskammer Halle (Saale)"})
    short_name = text(50, metadata={"example": "HWK Halle"})
    kind = VocabularyCode(
        PartnerKind,
        required=True,
        metadata={"description": "A code from /api/v1/partner-kinds.", "example": "chamber"},
    )
    sector = enum(Sector, required=True)
    status = enum(
        PartnerStatus,
        nullable=False,
        metadata={"description": "`archived` instead of deleting a partner."},
    )
    street = text(200, metadata={"example": "Gräfestraße 24"})
    postal_code = fields.String(
        allow_none=True,
        validate=Pattern(r"^[0-9]{5}$", error="A German postal code has five digits."),
        metadata={"example": "06110"},
    )
    town = text(100, metadata={"example": "Halle (Saale)"})
    municipality_ids = RefList(
        Municipality,
        attribute="municipalities",
        metadata={"description": "The towns and municipalities of the district it serves."},
    )
    website = web_address(500, allow_none=True)
    email = email()
    phone = phone()
    languages = fields.List(
        language_code(),
        validate=validate.Length(max=50),
        metadata={"description": "Languages it can offer (ISO 639), e.g. for interpreting."},
    )
    external_ids = fields.List(
        fields.Nested(ExternalIdSchema),
        validate=validate.Length(max=20),
        metadata={"description": "Register numbers and ids in other systems."},
    )
    notes = free_text(10_000)


class PartnerPatchSchema(MergePatch, PartnerSchema):
    pass


# Lists and reads come straight from rows: one statement, no objects (see crm.http.listing.rows).
PARTNER_ROWS = RowDump(PartnerSchema(), Partner)


class PartnerListArgs(SearchableListArgs):
    kind = fields.List(fields.String(validate=[validate.Length(max=60), NO_NUL]))
    sector = fields.List(fields.Enum(Sector, by_value=True))
    status = fields.List(fields.Enum(PartnerStatus, by_value=True))
    topic_id = fields.List(fields.UUID())
    target_group_id = fields.List(fields.UUID())
    municipality_id = fields.List(fields.UUID())
    steering_group_id = fields.List(
        fields.UUID(), metadata={"description": "Partners with a current membership there."}
    )
    sort = SortField(("name", "kind", "sector", "created_at", "updated_at"))


SORTABLE = {
    "name": Partner.sort_name,
    "kind": Partner.kind,
    "sector": Partner.sector,
    "created_at": Partner.created_at,
    "updated_at": Partner.updated_at,
}


FILTERS = {
    "kind": Partner.kind,
    "sector": Partner.sector,
    "status": Partner.status,
    "topic_id": Partner.topics,
    "target_group_id": Partner.target_groups,
    "municipality_id": Partner.municipalities,
}


def _conditions(args: dict) -> list:
    conditions = equality_filters(args, FILTERS)
    if args.get("steering_group_id"):
        conditions.append(
            Partner.id.in_(
                select(Membership.partner_id).where(
                    Membership.steering_group_id.in_(args["steering_group_id"]),
                    in_force_on(date.today()),
                )
            )
        )
    return conditions


@blp.route("")
class Partners(MethodView):
    @blp.arguments(PartnerListArgs, location="query")
    @blp.response(200, envelope(PartnerSchema))
    def get(self, args):
        """List partners (Kooperationspartner)

        Filter by kind, sector (verwaltungsintern/-extern), status, topic
        (Handlungsfeld), target group (Zielgruppe), municipality served and steering group;
        search names with `q`.
        """
        return paginate(
            PARTNER_ROWS.select(),
            args,
            conditions=_conditions(args),
            sortable=SORTABLE,
            default_sort="name",
            item=PARTNER_ROWS.dump,
        )

    @blp.arguments(PartnerSchema)
    @blp.arguments(CreateArgs, location="query")
    @blp.response(201, PartnerSchema)
    def post(self, data, args):
        """Create a partner

        Answers 409 with the candidates when the Kooperationspartner very likely exists
        already (a Dublette: same name in another spelling, same website, ...); send
        `allow_duplicate=true` to create it anyway.
        """
        refuse_likely_duplicate(Partner, data, args)
        partner = create(Partner, data)
        return item_response(partner, 201)


@blp.route("/<uuid:partner_id>")
class PartnerItem(MethodView):
    @blp.response(200, PartnerSchema)
    def get(self, partner_id):
        """Get a partner"""
        return item_response(PARTNER_ROWS.get_or_404(partner_id))

    @blp.arguments(PartnerPatchSchema)
    @blp.response(200, PartnerSchema)
    def patch(self, changes, partner_id):
        """Change a partner (JSON Merge Patch)

        Send `{"status": "archived"}` to archive a partner that is no longer active.
        """
        partner = update(get_or_404(Partner, partner_id), changes)
        return item_response(partner)

    @blp.response(204)
    def delete(self, partner_id):
        """Delete a partner

        Refused with 409, naming the records, while a contact, membership, agreement
        or steering group refers to it: archive it instead.
        """
        delete(get_or_404(Partner, partner_id))

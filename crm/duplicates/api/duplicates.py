"""/api/v1/partners/duplicates and /api/v1/contacts/duplicates: likely Dubletten, pairs
of records that describe the same organisation or person, for review and merging."""

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from marshmallow import fields, validate

from crm.duplicates.detection import (
    Candidate,
    Pair,
    contact_pairs,
    likely_contacts,
    likely_partners,
    partner_pairs,
)
from crm.errors import LikelyDuplicate
from crm.http.blueprint import Blueprint
from crm.http.listing.pages import ListArgs, Page, envelope
from crm.matching.records import LIKELY
from crm.models import Contact, Partner
from crm.models.enums import ContactStatus, PartnerStatus

blp = Blueprint(
    "duplicates",
    __name__,
    url_prefix="/api/v1",
    description="Dubletten: partners and contacts that are very likely entered twice, "
    "found by their names (German spellings, legal forms, abbreviations; people's names "
    "across scripts and transliterations) and by e-mail domain, website, phone and "
    "register number.",
)

ENDPOINTS = {Partner: "partners.PartnerItem", Contact: "contacts.ContactItem"}
ID_ARGUMENTS = {Partner: "partner_id", Contact: "contact_id"}


def record_url(model: type, record_id) -> str:
    """The address of a partner or contact."""
    return url_for(ENDPOINTS[model], **{ID_ARGUMENTS[model]: record_id}, _external=True)


class DuplicateListArgs(ListArgs):
    class Meta:
        exclude = ("updated_since", "cursor")

    min_score = fields.Float(
        load_default=LIKELY,
        validate=validate.Range(min=0.5, max=1),
        metadata={"description": f"The least score of a pair; {LIKELY} means very likely."},
    )


class PartnerDuplicateArgs(DuplicateListArgs):
    status = fields.List(fields.Enum(PartnerStatus, by_value=True))


class ContactDuplicateArgs(DuplicateListArgs):
    status = fields.List(fields.Enum(ContactStatus, by_value=True))


def record_link(model: type):
    """A stored record as `{"id", "label", "url"}`."""

    class RecordLinkSchema(ma.Schema):
        id = fields.UUID()
        label = fields.String(metadata={"description": "The name, to tell the two apart."})
        url = fields.Function(lambda record: record_url(model, record.id))

    RecordLinkSchema.__name__ = f"{model.__name__}LinkSchema"
    return RecordLinkSchema


def pair_schema(model: type) -> type[ma.Schema]:
    link = record_link(model)
    return ma.Schema.from_dict(
        {
            "score": fields.Float(metadata={"description": "From 0 to 1.", "example": 0.93}),
            "reasons": fields.List(
                fields.String(), metadata={"example": ["names alike (0.91)", "same website"]}
            ),
            "first": fields.Nested(link),
            "second": fields.Nested(link),
        },
        name=f"{model.__name__}DuplicatePairSchema",
    )


def page_of(pairs: list[Pair], args: dict) -> Page:
    start = (args["page"] - 1) * args["page_size"]
    return Page(
        data=pairs[start : start + args["page_size"]],
        page=args["page"],
        page_size=args["page_size"],
        total=len(pairs),
        has_next=start + args["page_size"] < len(pairs),
    )


@blp.route("/partners/duplicates")
class PartnerDuplicates(MethodView):
    @blp.arguments(PartnerDuplicateArgs, location="query")
    @blp.response(200, envelope(pair_schema(Partner)))
    def get(self, args):
        """List likely duplicate partners

        Pairs of Kooperationspartner that very likely are the same organisation
        (Dubletten), strongest first, each with a score and the reasons. Merge a pair
        with `POST /api/v1/partners/{id}/merge`.
        """
        conditions = [Partner.status.in_(args["status"])] if args.get("status") else []
        return page_of(partner_pairs(conditions, args["min_score"]), args)


@blp.route("/contacts/duplicates")
class ContactDuplicates(MethodView):
    @blp.arguments(ContactDuplicateArgs, location="query")
    @blp.response(200, envelope(pair_schema(Contact)))
    def get(self, args):
        """List likely duplicate contacts

        Pairs of Ansprechpersonen that very likely are the same person (Dubletten):
        family and given names that agree across scripts, transliterations and
        spellings (reasons such as `family name: transliteration`, `given name: name
        variant`, `names in another order`), or the same e-mail address or phone.
        Strongest first; merge a pair with `POST /api/v1/contacts/{id}/merge`.
        """
        conditions = [Contact.status.in_(args["status"])] if args.get("status") else []
        return page_of(contact_pairs(conditions, args["min_score"]), args)


class CreateArgs(ma.Schema):
    """The query of a POST that creates a partner or contact."""

    allow_duplicate = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Create the record even though it very likely exists already "
            "(without it: 409 with the candidates)."
        },
    )


FINDERS = {Partner: likely_partners, Contact: likely_contacts}


def refuse_likely_duplicate(model: type, data: dict, args: dict) -> None:
    """409 with the stored records that very likely are the one `data` describes, unless
    the client confirmed with `allow_duplicate=true`."""
    if args["allow_duplicate"]:
        return
    found = FINDERS[model](data)
    if found:
        label = model.__tablename__.removesuffix("s")
        raise LikelyDuplicate(
            f"This {label} very likely exists already ({len(found)} candidate(s)). Use it, "
            "or send the request again with ?allow_duplicate=true to create it anyway.",
            candidates=[_candidate(model, candidate) for candidate in found],
        )


def _candidate(model: type, candidate: Candidate) -> dict:
    return {
        "id": str(candidate.id),
        "label": candidate.label,
        "score": candidate.score,
        "reasons": list(candidate.reasons),
        "url": record_url(model, candidate.id),
    }

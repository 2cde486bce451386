"""/api/v1/contacts: Ansprechpersonen, the people at partners. Personal data (DSGVO)."""

import marshmallow as ma
from flask import request
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.duplicates.api.duplicates import CreateArgs, refuse_likely_duplicate
from crm.http.blueprint import Blueprint
from crm.http.fields import (
    MergePatch,
    Ref,
    ResourceSchema,
    Timestamp,
    email,
    enum,
    free_text,
    language_code,
    text,
)
from crm.http.fields import phone as phone_number
from crm.http.listing.pages import (
    ListArgs,
    Page,
    SearchableListArgs,
    SortField,
    envelope,
    equality_filters,
    paginate,
)
from crm.models import Contact, Employment, Partner
from crm.models.enums import ContactStatus, LegalBasis, Salutation
from crm.models.privacy import ConsentPurpose
from crm.records.items import create, delete, item_response, live_contact, update

blp = Blueprint(
    "contacts",
    __name__,
    url_prefix="/api/v1/contacts",
    description="Ansprechpersonen: the people the municipality works with at its partners. "
    "Personal data under the DSGVO: every contact has a legal basis.",
)


class ContactSchema(ResourceSchema):
    salutation = enum(Salutation)
    title = text(50, metadata={"example": "Dr."})
    given_name = text(100, metadata={"example": "Ayşe"})
    family_name = text(100, required=True, metadata={"example": "Schäfer"})
    function = text(200, metadata={"example": "Integrationsbeauftragte"})
    partner_id = Ref(
        Partner,
        allow_none=True,
        metadata={"description": "Where the contact works; a change is kept in `employments`."},
    )
    email = email(metadata={"example": "a.schaefer@example.org"})
    phone = phone_number()
    mobile = phone_number(metadata={"example": "+49 171 2345678"})
    preferred_language = language_code(allow_none=True)
    notes = free_text(10_000)
    status = enum(
        ContactStatus,
        nullable=False,
        metadata={"description": "`archived` for people no longer in contact; default `active`."},
    )
    legal_basis = enum(
        LegalBasis,
        required=True,
        metadata={"description": "Why the data may be kept (Art. 6 Abs. 1 DSGVO)."},
    )
    consent_given_on = fields.Date(
        allow_none=True, metadata={"description": "Required with `consent`."}
    )
    consent_source = text(
        200,
        metadata={"description": "Required with `consent`.", "example": "Einwilligungsformular"},
    )
    consent_purposes = fields.List(
        fields.String(validate=validate.OneOf([purpose.value for purpose in ConsentPurpose])),
        metadata={"description": "What the person consented to (`consent_purpose`)."},
    )
    consent_text_version = text(
        50, metadata={"description": "Which text of the consent form.", "example": "2026-01"}
    )
    consent_withdrawn_at = Timestamp(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When consent was withdrawn (`POST .../consent/withdrawal`)."},
    )
    legal_basis_valid = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "False once consent is withdrawn: the contact is left out of "
            "reports and exports and is due for erasure."
        },
    )
    review_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "When to review whether to keep the data; a date in the future "
            "postpones an erasure under the retention rules."
        },
    )
    retain_until = fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When the retention rules make the data due for erasure."},
    )


class ContactPatchSchema(MergePatch, ContactSchema):
    pass


class ContactListArgs(ListArgs):
    partner_id = fields.List(fields.UUID())
    status = fields.List(fields.Enum(ContactStatus, by_value=True))
    legal_basis = fields.List(fields.Enum(LegalBasis, by_value=True))
    sort = SortField(("family_name", "created_at", "updated_at"))


class ContactSearchSchema(ContactListArgs, SearchableListArgs):
    """The list's filters and `q`, sent as a JSON body so that names stay out of URLs."""


class EmploymentSchema(ma.Schema):
    id = fields.UUID(dump_only=True)
    partner_id = fields.UUID(dump_only=True)
    function = fields.String(dump_only=True, allow_none=True)
    start_date = fields.Date(dump_only=True)
    end_date = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "Empty while current."}
    )


class EmploymentListArgs(ListArgs):
    class Meta:
        exclude = ("updated_since",)


ContactPageSchema = envelope(ContactSchema)

SORTABLE = {
    "family_name": Contact.sort_name,
    "created_at": Contact.created_at,
    "updated_at": Contact.updated_at,
}


FILTERS = {
    "partner_id": Contact.partner_id,
    "status": Contact.status,
    "legal_basis": Contact.legal_basis,
}


def _contacts(args: dict) -> Page:
    return paginate(
        select(Contact),
        args,
        # Tombstones of erased contacts are not contacts any more.
        conditions=[Contact.not_erased, *equality_filters(args, FILTERS)],
        sortable=SORTABLE,
        default_sort="family_name",
    )


@blp.route("")
class Contacts(MethodView):
    @blp.arguments(ContactListArgs, location="query")
    @blp.response(200, ContactPageSchema)
    def get(self, args):
        """List contacts (Ansprechpersonen)

        Filter by partner, status and legal basis. To search by name, e-mail or
        function, use `POST /api/v1/contacts/search`: names do not belong in URLs.
        """
        return _contacts(args)

    @blp.arguments(ContactSchema)
    @blp.arguments(CreateArgs, location="query")
    @blp.response(201, ContactSchema)
    def post(self, data, args):
        """Create a contact

        Creates an Ansprechperson. With `partner_id`, an employment at that partner
        opens today. With the legal basis `consent`, `consent_given_on` and
        `consent_source` are required. Answers 409 with the candidates when the person
        very likely exists already (a Dublette); send `allow_duplicate=true` to create
        them anyway.
        """
        refuse_likely_duplicate(Contact, data, args)
        return item_response(create(Contact, data), 201)


@blp.route("/search")
@blp.reads
class ContactSearch(MethodView):
    @blp.arguments(ContactSearchSchema)
    @blp.response(200, ContactPageSchema)
    def post(self, args):
        """Search contacts

        Searches Ansprechpersonen by name, e-mail and function (`q`, accent- and
        case-insensitive), with the filters of the list. Viewers may search. The page
        links would be URLs that cannot carry the body, so `links` holds `self` only:
        for another page, post the same body with another `page`.
        """
        page = _contacts(args)
        return {
            "data": page.data,
            "pagination": page.pagination,
            "links": {"self": request.base_url},
        }


@blp.route("/<uuid:contact_id>")
class ContactItem(MethodView):
    @blp.response(200, ContactSchema)
    @blp.alt_response(410, response="GONE")
    def get(self, contact_id):
        """Get a contact"""
        return item_response(live_contact(contact_id))

    @blp.arguments(ContactPatchSchema)
    @blp.response(200, ContactSchema)
    @blp.alt_response(410, response="GONE")
    def patch(self, changes, contact_id):
        """Change a contact (JSON Merge Patch)

        A new `partner_id` closes the current employment today and opens one at the new
        partner; `null` closes it. With the legal basis `consent`, the record as a whole
        must keep `consent_given_on` and `consent_source`.
        """
        return item_response(update(live_contact(contact_id), changes))

    @blp.response(204)
    @blp.alt_response(410, response="GONE")
    def delete(self, contact_id):
        """Delete a contact

        Erases an Ansprechperson and the employment history. Refused with 409, naming
        the records, while a membership (Mitgliedschaft), an agreement party or a
        steering group (Steuerungsgruppe) refers to the contact.
        """
        delete(live_contact(contact_id))


@blp.route("/<uuid:contact_id>/employments")
class ContactEmployments(MethodView):
    @blp.arguments(EmploymentListArgs, location="query")
    @blp.response(200, envelope(EmploymentSchema))
    @blp.alt_response(410, response="GONE")
    def get(self, args, contact_id):
        """List a contact's employments

        Where the Ansprechperson worked when, oldest first; the current employment has
        no `end_date`.
        """
        contact = live_contact(contact_id)
        # Within one day, the employment that was closed comes before the one that opened.
        in_order = select(Employment).order_by(Employment.start_date, Employment.end_date.is_(None))
        return paginate(
            in_order,
            args,
            conditions=[Employment.contact_id == contact.id],
            sortable={"start_date": Employment.start_date},
            default_sort="start_date",
        )

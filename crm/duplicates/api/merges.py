"""POST /api/v1/partners/{id}/merge and /api/v1/contacts/{id}/merge: Dubletten
zusammenführen. The record in the path survives; the duplicate named in the body goes,
and its id answers `410 Gone` with a pointer to the survivor from then on."""

from functools import partial

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from crm.database import db
from crm.duplicates.api.duplicates import record_url
from crm.http.blueprint import Blueprint
from crm.http.fields import Ref
from crm.models import Contact, Partner
from crm.records.items import check_if_match, get_or_404, live_contact
from crm.records.merging import MergePlan, merge, plan_merge

blp = Blueprint(
    "merges",
    __name__,
    url_prefix="/api/v1",
    description="Dubletten zusammenführen: merging a partner or contact entered twice.",
)

SIDES = ("survivor", "duplicate")


class MergeArgs(ma.Schema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Answer what the merge would do, and change nothing."},
    )


def merge_schema(model: type) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "duplicate_id": Ref(
                model,
                required=True,
                metadata={"description": "The record merged away into the one in the path."},
            ),
            "keep": fields.Dict(
                keys=fields.String(),
                values=fields.String(validate=validate.OneOf(SIDES)),
                load_default=dict,
                metadata={
                    "description": "Whose value to keep where both records have one and they "
                    "differ: `survivor` (the default) or `duplicate`. Empty fields of the "
                    "survivor are filled from the duplicate; lists, topics, target groups "
                    "and municipalities are joined.",
                    "example": {"email": "duplicate"},
                },
            ),
        },
        name=f"{model.__name__}MergeSchema",
    )


class ConflictSchema(ma.Schema):
    survivor = fields.Raw(metadata={"description": "The survivor's value."})
    duplicate = fields.Raw(metadata={"description": "The duplicate's value."})
    kept = fields.String(metadata={"enum": list(SIDES)})


class MergeReportSchema(ma.Schema):
    survivor_id = fields.UUID()
    duplicate_id = fields.UUID()
    dry_run = fields.Boolean(metadata={"description": "True: nothing was changed."})
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "The survivor's fields that change, with their new values.",
            "example": {"phone": "+49 651 2096-0", "topic_ids": []},
        },
    )
    conflicts = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ConflictSchema),
        metadata={"description": "Fields where both had a value, and whose was kept."},
    )
    moved = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "Records that referred to the duplicate and refer to the "
            "survivor instead, by kind.",
            "example": {"contacts": 3, "memberships": 1, "agreement_parties": 1},
        },
    )
    survivor_url = fields.Method("_survivor_url")

    def _survivor_url(self, plan: MergePlan) -> str:
        return record_url(type(plan.survivor), plan.survivor_id)


# The survivor in the path: an erased contact answers 410 like on GET.
SURVIVOR = {Partner: partial(get_or_404, Partner), Contact: live_contact}


def merged(model: type, survivor_id, body: dict, args: dict) -> MergePlan:
    survivor = SURVIVOR[model](survivor_id)
    if not args["dry_run"]:
        check_if_match(survivor)
    duplicate = db.session.get(model, body["duplicate_id"])
    plan = plan_merge(survivor, duplicate, body["keep"])
    if not args["dry_run"]:
        merge(plan)
    return plan


class MergeHeaders(ma.Schema):
    # Like PATCH, a merge changes the survivor only as the client last saw it; a dry run
    # changes nothing and needs no ETag. Checked by `check_if_match`; here to be documented.
    if_match = fields.String(
        data_key="If-Match",
        metadata={
            "description": "The survivor's `ETag` as you last read it; required unless "
            "`dry_run=true`. Missing: 428; stale: 412.",
            "example": '"v1"',
        },
    )


def conditional(view):
    """The If-Match header a merge needs, and the answers without it."""
    view = blp.arguments(MergeHeaders, location="headers", unknown=ma.EXCLUDE, as_kwargs=True)(view)
    view = blp.alt_response(412, response="PRECONDITION_FAILED")(view)
    return blp.alt_response(428, response="PRECONDITION_REQUIRED")(view)


@blp.route("/partners/<uuid:partner_id>/merge")
class PartnerMerge(MethodView):
    @conditional
    @blp.arguments(merge_schema(Partner))
    @blp.arguments(MergeArgs, location="query")
    @blp.response(200, MergeReportSchema)
    def post(self, body, args, partner_id, if_match=None):
        """Merge a duplicate into this partner

        Dubletten zusammenführen: the Kooperationspartner in the path survives. Its
        contacts, memberships (Mitgliedschaften), agreement parties and every other
        reference move over from the duplicate, topics (Handlungsfelder), target groups
        and municipalities are joined, and the duplicate's id answers 410 with a pointer
        to the survivor. Send the partner's `ETag` in `If-Match`; try it with
        `dry_run=true` first. The audit trail records a `merge` for both records.
        """
        return merged(Partner, partner_id, body, args)


@blp.route("/contacts/<uuid:contact_id>/merge")
class ContactMerge(MethodView):
    @conditional
    @blp.arguments(merge_schema(Contact))
    @blp.arguments(MergeArgs, location="query")
    @blp.response(200, MergeReportSchema)
    def post(self, body, args, contact_id, if_match=None):
        """Merge a duplicate into this contact

        Dubletten zusammenführen: the Ansprechperson in the path survives. Memberships,
        agreement signatures, the employment history and every other reference move over
        from the duplicate; its audit trail is attributed to the survivor, so that
        erasing the person (DSGVO) reaches it. The duplicate's id answers 410 with a
        pointer to the survivor. Send the contact's `ETag` in `If-Match`; try it with
        `dry_run=true` first. The audit trail records a `merge` for both records.
        """
        return merged(Contact, contact_id, body, args)

"""Managed vocabularies: /api/v1/topics, /target-groups, /municipalities, /partner-kinds.

Four lists that administrators extend, each entry a `code` with German and English labels.
They share one model mixin (`crm.models.vocabulary.Vocabulary`), so one factory serves all
four; anyone may read them, only the `admin` role may change them.
"""

from dataclasses import dataclass

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.http.blueprint import Blueprint
from crm.http.fields import MergePatch, ResourceSchema, free_text, text
from crm.http.listing.pages import SearchableListArgs, SortField, envelope, paginate
from crm.http.patterns import Pattern
from crm.models import Municipality, PartnerKind, TargetGroup, Topic
from crm.models.enums import ApiRole
from crm.models.vocabulary import Vocabulary
from crm.records.items import create, delete, get_or_404, item_response, update

SNAKE_CASE = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"


@dataclass(frozen=True)
class VocabularyInfo:
    model: type[Vocabulary]
    path: str
    entry: str  # "topic"
    entries: str  # "topics"
    entries_de: str  # "Handlungsfelder"
    description: str


VOCABULARIES = (
    VocabularyInfo(
        Topic,
        "topics",
        "topic",
        "topics",
        "Handlungsfelder",
        "Handlungsfelder (Themenschwerpunkte): what partners, steering groups and agreements "
        "work on, such as language, vocational orientation or labour-market integration.",
    ),
    VocabularyInfo(
        TargetGroup,
        "target-groups",
        "target group",
        "target groups",
        "Zielgruppen",
        "Zielgruppen: whom partners and agreements serve, such as young refugees (15-24) "
        "or adults past school age.",
    ),
    VocabularyInfo(
        Municipality,
        "municipalities",
        "municipality",
        "municipalities",
        "Städte und Gemeinden",
        "Städte und Gemeinden des Kreises: the towns and member municipalities a partner serves.",
    ),
    VocabularyInfo(
        PartnerKind,
        "partner-kinds",
        "partner kind",
        "partner kinds",
        "Arten von Kooperationspartnern",
        "Arten von Kooperationspartnern: the values of a partner's `kind`, such as chamber, "
        "migrant organisation or job centre.",
    ),
)


class VocabularySchema(ResourceSchema):
    code = fields.String(
        required=True,
        validate=[
            validate.Length(max=60),
            Pattern(SNAKE_CASE, error="Use lower snake_case, e.g. 'job_centre'."),
        ],
        metadata={
            "description": "Stable identifier other systems use; fixed once created.",
            "example": "vocational_orientation",
        },
    )
    label_de = text(200, required=True, metadata={"example": "Berufsorientierung"})
    label_en = text(200, required=True, metadata={"example": "vocational orientation"})
    description = free_text(10_000, metadata={"example": "Angebote zur beruflichen Orientierung."})


class VocabularyPatchSchema(MergePatch, VocabularySchema):
    # Other records refer to entries by code (a partner's `kind`): it never changes.
    code = fields.String(dump_only=True)


class VocabularyListArgs(SearchableListArgs):
    sort = SortField(("label_de", "code", "created_at", "updated_at"))


# One envelope class for all four: the spec names schemas after their class.
VocabularyPageSchema = envelope(VocabularySchema)


def vocabulary_blueprint(info: VocabularyInfo) -> Blueprint:
    model = info.model
    blp = Blueprint(
        model.__tablename__,
        __name__,
        url_prefix=f"/api/v1/{info.path}",
        description=info.description,
        write_role=ApiRole.admin,
    )
    sortable = {
        "label_de": model.sort_name,
        "code": model.code,
        "created_at": model.created_at,
        "updated_at": model.updated_at,
    }

    @blp.route("")
    class Entries(MethodView):
        @blp.arguments(VocabularyListArgs, location="query")
        @blp.response(200, VocabularyPageSchema)
        @blp.doc(
            summary=f"List {info.entries} ({info.entries_de})",
            description="Sorted by German label unless `sort` says otherwise; search codes "
            "and labels with `q`.",
        )
        def get(self, args):
            """List the entries"""
            return paginate(select(model), args, sortable=sortable, default_sort="label_de")

        @blp.arguments(VocabularySchema)
        @blp.response(201, VocabularySchema)
        @blp.doc(
            summary=f"Create a {info.entry}",
            description=f"Adds an entry to the {info.entries_de}. Needs the `admin` role; "
            "a code that exists already gives 409.",
        )
        def post(self, data):
            """Create an entry"""
            entry = create(model, data)
            return item_response(entry, 201)

    @blp.route("/<uuid:entry_id>")
    class Entry(MethodView):
        @blp.response(200, VocabularySchema)
        @blp.doc(summary=f"Get a {info.entry}", description=f"One entry of the {info.entries_de}.")
        def get(self, entry_id):
            """Get an entry"""
            return item_response(get_or_404(model, entry_id))

        @blp.arguments(VocabularyPatchSchema)
        @blp.response(200, VocabularySchema)
        @blp.doc(
            summary=f"Change a {info.entry} (JSON Merge Patch)",
            description=f"Changes labels or description of an entry of the "
            f"{info.entries_de}; the `code` cannot change. Needs the `admin` role.",
        )
        def patch(self, changes, entry_id):
            """Change an entry"""
            entry = update(get_or_404(model, entry_id), changes)
            return item_response(entry)

        @blp.response(204)
        @blp.doc(
            summary=f"Delete a {info.entry}",
            description=f"Removes an entry from the {info.entries_de}. Refused with 409, "
            "naming the records, while a partner, steering group or agreement uses it. "
            "Needs the `admin` role.",
        )
        def delete(self, entry_id):
            """Delete an entry"""
            delete(get_or_404(model, entry_id))

    return blp


blueprints = [vocabulary_blueprint(info) for info in VOCABULARIES]

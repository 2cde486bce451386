"""/api/v1/imports: Datenübernahme, bringing existing lists (CSV, XLSX) in, and the record
of every import."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields, validate
from sqlalchemy import select

from crm.collector import collector_paused
from crm.database import db
from crm.http.blueprint import Blueprint
from crm.http.fields import ResourceSchema
from crm.http.listing.pages import (
    ListArgs,
    SortField,
    envelope,
    equality_filters,
    paginate,
)
from crm.http.patterns import NO_NUL, Pattern
from crm.imports.columns import parse_mapping_item
from crm.imports.run import import_file
from crm.models import ImportRecord
from crm.models.enums import ApiRole
from crm.models.import_record import ImportResource
from crm.records.items import get_or_404, item_response

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    # Who imported what is staff activity, as the audit trail is: editors see it.
    read_role=ApiRole.editor,
    description="Datenübernahme: partners, contacts and memberships from CSV or XLSX lists, "
    "all rows or none, with a dry run that reports every row.",
)


# What `parse_mapping_item` reads: a header with something besides white space (as
# `str.strip` sees it), `=`, and a field without `=`; no NUL. Spelled out for JSON Schema,
# whose `\s` is not Python's.
_BLANK = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
MAPPING_ITEM = Pattern(f"^[^\\x00]*[^\\x00{_BLANK}][^\\x00]*=[^=\\x00]*$")


class MappingField(fields.String):
    """`Träger=name`: the file's header, `=`, and the field it fills (nothing: ignored)."""

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[str, str | None]:
        text = super()._deserialize(value, attr, data, **kwargs)
        validate.Length(max=300)(text)
        if not MAPPING_ITEM.accepts(text):
            raise ma.ValidationError("Write it as 'Header=field', e.g. 'Träger=name'.")
        return parse_mapping_item(text)


class ImportArgs(ma.Schema):
    resource = fields.Enum(
        ImportResource,
        by_value=True,
        required=True,
        metadata={"description": "What the rows are."},
    )
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Validate every row and report what would happen; write nothing."},
    )
    allow_duplicates = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Create rows that very likely duplicate a stored record (or an "
            "earlier row) too; without it they are skipped, with the reason."
        },
    )
    mapping = fields.List(
        MappingField(metadata={"maxLength": 300, "pattern": MAPPING_ITEM.source}),
        validate=validate.Length(max=200),
        metadata={
            "description": "Which column fills which field, where the headers do not say it "
            "themselves (German and English headers such as `PLZ`, `E-Mail`, `Vorname` and "
            "the API's field names are known): `Träger=name`; `Intern=` ignores a column.",
            "example": ["Träger=name", "Register-Nr.=external_id:vereinsregister"],
        },
    )


class ImportFileSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "CSV (`,` or `;`, UTF-8 or Windows-1252) or XLSX."},
    )


class CountsSchema(ma.Schema):
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    invalid = fields.Integer()


class RowOutcomeSchema(ma.Schema):
    """Empty keys are left out: a report may have 100,000 rows."""

    row = fields.Integer(metadata={"description": "The row as the spreadsheet numbers it."})
    action = fields.String(metadata={"enum": ["create", "update", "skip", "invalid"]})
    id = fields.UUID(metadata={"description": "The record updated, skipped or created."})
    reason = fields.String(metadata={"example": "Very likely the same as row 3 (...)."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "For an invalid row: messages by the file's column header.",
            "example": {"E-Mail": ["Not a valid email address."]},
        },
    )

    @ma.post_dump
    def _without_empty(self, data: dict, **kwargs) -> dict:
        return {key: value for key, value in data.items() if value is not None}


class ImportSchema(ResourceSchema):
    actor = fields.String(metadata={"description": "Who imported: the key or person."})
    resource = fields.Enum(ImportResource, by_value=True)
    file_name = fields.String(metadata={"example": "Partnerliste 2026.xlsx"})
    file_sha256 = fields.String(metadata={"description": "The SHA-256 of the file, in hex."})
    dry_run = fields.Boolean()
    counts = fields.Nested(CountsSchema)
    ignored_columns = fields.List(
        fields.String(), metadata={"description": "Headers that fill no field (POST only)."}
    )
    rows = fields.List(
        fields.Nested(RowOutcomeSchema),
        attribute="outcomes",
        metadata={"description": "Row by row, what the import did or would do (POST only)."},
    )


class ImportListArgs(ListArgs):
    resource = fields.List(fields.Enum(ImportResource, by_value=True))
    actor = fields.List(fields.String(validate=[validate.Length(max=200), NO_NUL]))
    sort = SortField(("created_at",))


@blp.route("")
@blp.uploads
class Imports(MethodView):
    @blp.arguments(ImportListArgs, location="query")
    @blp.response(200, envelope(ImportSchema))
    def get(self, args):
        """List imports

        Every Datenübernahme that wrote something: who, when, which file, and how many
        rows were created, updated and skipped. Newest first.
        """
        return paginate(
            select(ImportRecord),
            args,
            conditions=equality_filters(
                args, {"resource": ImportRecord.resource, "actor": ImportRecord.actor}
            ),
            sortable={"created_at": ImportRecord.created_at},
            default_sort="-created_at",
        )

    @collector_paused()  # also while the report of every row is written out
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, ImportSchema)
    @blp.alt_response(200, schema=ImportSchema, description="The report of a dry run.")
    def post(self, args, files):
        """Import a list

        Datenübernahme of a CSV or XLSX file of partners (Kooperationspartner), contacts
        (Ansprechpersonen) or memberships (Mitgliedschaften). Headers map to fields in
        German or English; a contact's partner and a membership's steering group can be
        named by name or external id. All or nothing: one invalid row and the answer is a
        422 naming each row and column, and nothing is written. `dry_run=true` answers
        the row-by-row report instead (200). Formulas in cells are refused. Send an
        `Idempotency-Key` to make a repeated upload harmless.
        """
        upload = files["file"]
        report = import_file(
            upload.stream,
            upload.filename or "upload",
            args["resource"],
            mapping=dict(args.get("mapping") or ()),
            dry_run=args["dry_run"],
            allow_duplicates=args["allow_duplicates"],
        )
        if args["dry_run"]:
            db.session.rollback()
            return report, 200
        return item_response(report, 201)


@blp.route("/<uuid:import_id>")
class ImportItem(MethodView):
    @blp.response(200, ImportSchema)
    def get(self, import_id):
        """Get an import

        One Datenübernahme: who ran it, when, with which file, and what it did. Its
        rows show in the audit trail (Änderungsprotokoll) with the actor `import:<id>`.
        """
        return item_response(get_or_404(ImportRecord, import_id))

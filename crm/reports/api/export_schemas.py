"""Schemas of export schedules and export runs."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from cronsim import CronSim, CronSimError
from flask import url_for
from marshmallow import fields, validate

from crm.http.fields import MergePatch, ResourceSchema, Timestamp, enum, text
from crm.http.listing.pages import ListArgs, SortField
from crm.http.patterns import Pattern
from crm.models.export import (
    DateFormat,
    ExportDestination,
    ExportFormat,
    ExportRunStatus,
    ReportKind,
)
from crm.reports.catalogue import CATALOGUE
from crm.reports.cron import CRON

FOLDER = r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$"
# Published as the field's enum: a fixed list, not the host's time zone database, so that
# the contract is the same wherever the API runs.
TIME_ZONES = frozenset(
    line
    for line in (Path(__file__).with_name("time_zones.txt").read_text().splitlines())
    if line and not line.startswith("#")
)

PARAMETERS = """The report's parameters:
- `steering_group_report`: `steering_group_id`, `period` (`previous_month` when absent,
  `previous_quarter`, `previous_year`, `year_to_date`; counted from the day the run is due).
- `expiring_agreements`: `within_days` (90 when absent).
- `partner_directory`: `status` (`["active"]` when absent), `kind`, `sector` (lists)."""


CRON_RULES = (
    "Five fields, minute hour day month weekday, e.g. '0 7 * * 1' for Mondays at 07:00: "
    "each `*`, a number, a range (`1-5`, `MON-FRI`), either with a step (`*/15`), or a "
    "list (`1,15`); names in capitals (`JAN`, `MON`). A day after the 28th, or `L` for the "
    "last, only with every month (`*`)."
)


def _cron(expression: str) -> None:
    """The published pattern, then cronsim's own check, which the pattern implies."""
    if not CRON.accepts(expression):
        raise ma.ValidationError(f"Not a cron expression this API takes. {CRON_RULES}")
    try:
        next(CronSim(expression, datetime.now(UTC)))
    except (CronSimError, StopIteration) as error:
        raise ma.ValidationError(f"Not a cron expression that falls due. {CRON_RULES}") from error


def _time_zone(name: str) -> None:
    """One of the published names, and one this host's time zone database knows."""
    try:
        if name not in TIME_ZONES:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ma.ValidationError(f"Unknown time zone '{name}': use e.g. Europe/Berlin.") from error


class ExportScheduleSchema(ResourceSchema):
    name = text(200, required=True, metadata={"example": "Quartalsbericht WbF"})
    report = enum(ReportKind, required=True, metadata={"example": "steering_group_report"})
    parameters = fields.Dict(
        keys=fields.String(),
        metadata={"description": PARAMETERS, "example": {"period": "previous_quarter"}},
    )
    format = enum(ExportFormat, required=True, metadata={"example": "pdf"})
    date_format = fields.Enum(
        DateFormat, by_value=True, metadata={"description": "CSV only; `iso` when absent."}
    )
    cron = fields.String(
        required=True,
        validate=[validate.Length(max=100), _cron],
        metadata={"description": CRON_RULES, "example": "0 7 1 */3 *", "pattern": CRON.source},
    )
    time_zone = fields.String(
        validate=_time_zone,
        metadata={
            "description": "An IANA time zone name; `Europe/Berlin` when absent.",
            "example": "Europe/Berlin",
            "enum": sorted(TIME_ZONES),
        },
    )
    destination = enum(
        ExportDestination,
        required=True,
        metadata={"description": "database (download link), directory or email."},
    )
    directory = fields.String(
        allow_none=True,
        validate=[
            validate.Length(max=200),
            Pattern(FOLDER, error="A folder below the export directory, like 'a/b'."),
        ],
        metadata={"description": "With `directory`: a folder below CRM_EXPORT_DIRECTORY."},
    )
    email_recipients = fields.List(
        fields.Email(validate=validate.Length(max=254)),
        validate=validate.Length(max=50),
        metadata={"description": "With `email`: who receives the file."},
    )
    enabled = fields.Boolean(metadata={"description": "`true` when absent."})
    next_run_at = Timestamp(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When it is next due; empty while not `enabled`."},
    )


class ExportSchedulePatchSchema(MergePatch, ExportScheduleSchema):
    pass


class ReportParameters(BasePlugin):
    """Publishes the `parameters` each report takes (JSON Schema `if`/`then` on `report`),
    from the same schemas the server checks them with (`crm.reports.catalogue`)."""

    def init_spec(self, spec):
        self.converter = next(p for p in spec.plugins if isinstance(p, MarshmallowPlugin)).converter

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        if not issubclass(schema_class, ExportScheduleSchema):
            return None
        return {
            "allOf": [self._condition(kind, entry.parameters) for kind, entry in CATALOGUE.items()]
        }

    def _condition(self, kind, parameters: type[ma.Schema]) -> dict:
        then = {"properties": {"parameters": self.converter.resolve_nested_schema(parameters)}}
        if any(field.required for field in parameters().fields.values()):
            then["required"] = ["parameters"]
        return {
            "if": {"properties": {"report": {"const": kind.value}}, "required": ["report"]},
            "then": then,
        }


class ExportScheduleListArgs(ListArgs):
    report = fields.List(fields.Enum(ReportKind, by_value=True))
    destination = fields.List(fields.Enum(ExportDestination, by_value=True))
    enabled = fields.Boolean()
    sort = SortField(("name", "next_run_at", "created_at", "updated_at"))


class ExportRunSchema(ResourceSchema):
    schedule_id = fields.UUID(dump_only=True)
    due_at = Timestamp(dump_only=True)
    status = enum(ExportRunStatus, dump_only=True)
    attempts = fields.Integer(dump_only=True)
    started_at = Timestamp(dump_only=True)
    finished_at = Timestamp(dump_only=True)
    file_name = fields.String(dump_only=True, allow_none=True)
    media_type = fields.String(dump_only=True, allow_none=True)
    size_bytes = fields.Integer(dump_only=True, allow_none=True)
    checksum_sha256 = fields.String(dump_only=True, allow_none=True)
    delivered_to = fields.String(dump_only=True, allow_none=True)
    error_message = fields.String(dump_only=True, allow_none=True)
    download_url = fields.Method(
        "_download_url",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "While the file is kept: where to download it.",
            "type": "string",
            "format": "uri",
        },
    )

    def _download_url(self, run) -> str | None:
        if not run.has_file:
            return None
        return url_for("exports.ExportRunDownload", run_id=run.id, _external=True)


class ExportRunListArgs(ListArgs):
    schedule_id = fields.List(fields.UUID())
    status = fields.List(fields.Enum(ExportRunStatus, by_value=True))
    sort = SortField(("due_at", "created_at", "updated_at"))

"""Schemas of export schedules and export runs."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma
from cronsim import CronSim, CronSimError
from flask import url_for
from marshmallow import fields, validate

from crm.api.fields import MergePatch, ResourceSchema, Timestamp, enum, text
from crm.api.listing import ListArgs, SortField
from crm.models.export import (
    DateFormat,
    ExportDestination,
    ExportFormat,
    ExportRunStatus,
    ReportKind,
)

FOLDER = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")

PARAMETERS = """The report's parameters:
- `steering_group_report`: `steering_group_id`, `period` (`previous_month` when absent,
  `previous_quarter`, `previous_year`, `year_to_date`; counted from the day the run is due).
- `expiring_agreements`: `within_days` (90 when absent).
- `partner_directory`: `status` (`["active"]` when absent), `kind`, `sector` (lists)."""


def _cron(expression: str) -> None:
    try:
        CronSim(expression, datetime.now(UTC))
    except CronSimError as error:
        raise ma.ValidationError(
            f"Not a cron expression ({error}). Use five fields: minute hour day month "
            "weekday, e.g. '0 7 * * 1' for Mondays at 07:00."
        ) from error


def _time_zone(name: str) -> None:
    try:
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
        metadata={"description": "minute hour day month weekday.", "example": "0 7 1 */3 *"},
    )
    time_zone = fields.String(
        validate=[validate.Length(max=64), _time_zone],
        metadata={"description": "`Europe/Berlin` when absent.", "example": "Europe/Berlin"},
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
            validate.Regexp(FOLDER, error="A folder below the export directory, like 'a/b'."),
        ],
        metadata={"description": "With `directory`: a folder below CRM_EXPORT_DIRECTORY."},
    )
    email_recipients = fields.List(
        fields.Email(validate=validate.Length(max=254)),
        validate=validate.Length(max=50),
        metadata={"description": "With `email`: who receives the file."},
    )
    enabled = fields.Boolean(metadata={"description": "`true` when absent."})
    next_run_at = Timestamp(dump_only=True, metadata={"description": "When it is next due."})


class ExportSchedulePatchSchema(MergePatch, ExportScheduleSchema):
    pass


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
    file_name = fields.String(dump_only=True)
    media_type = fields.String(dump_only=True)
    size_bytes = fields.Integer(dump_only=True)
    checksum_sha256 = fields.String(dump_only=True)
    delivered_to = fields.String(dump_only=True)
    error_message = fields.String(dump_only=True)
    download_url = fields.Method(
        "_download_url",
        dump_only=True,
        metadata={"description": "While the file is kept: where to download it."},
    )

    def _download_url(self, run) -> str | None:
        if not run.has_file:
            return None
        return url_for("exports.ExportRunDownload", run_id=run.id, _external=True)


class ExportRunListArgs(ListArgs):
    schedule_id = fields.List(fields.UUID())
    status = fields.List(fields.Enum(ExportRunStatus, by_value=True))
    sort = SortField(("due_at", "created_at", "updated_at"))

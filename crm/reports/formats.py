"""The file formats a report is rendered to, with their media types and file names."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.models.export import ExportFormat
from crm.reports.csv_format import render_csv
from crm.reports.pdf_format import render_pdf
from crm.reports.report import LOCAL_TIME, Progress, Report, to_json
from crm.reports.xlsx_format import render_xlsx


def render_json(report: Report, *, progress: Progress | None = None, **_options) -> bytes:
    return json.dumps(to_json(report, progress), ensure_ascii=False, indent=1).encode()


@dataclass(frozen=True)
class FileFormat:
    media_type: str
    extension: str
    render: Callable[..., bytes]


FORMATS = {
    ExportFormat.json: FileFormat("application/json", "json", render_json),
    ExportFormat.csv: FileFormat("text/csv; charset=utf-8", "csv", render_csv),
    ExportFormat.xlsx: FileFormat(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", render_xlsx
    ),
    ExportFormat.pdf: FileFormat("application/pdf", "pdf", render_pdf),
}


def render(
    report: Report,
    file_format: ExportFormat,
    *,
    german_dates: bool = False,
    progress: Progress | None = None,
) -> bytes:
    return FORMATS[file_format].render(report, german_dates=german_dates, progress=progress)


def file_name(report: Report, file_format: ExportFormat, when: datetime) -> str:
    """`steering_group_report-2026-11-24-0700.pdf`: no names of people, ever."""
    stamp = when.astimezone(LOCAL_TIME).strftime("%Y-%m-%d-%H%M")
    return f"{report.key}-{stamp}.{FORMATS[file_format].extension}"

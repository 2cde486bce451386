"""Responses that are files (CSV, XLSX, PDF, iCalendar, vCard), and their documentation."""

from flask import Response

from crm.models.export import ExportFormat
from crm.reports.formats import FORMATS

BINARY = {"type": "string", "format": "binary"}
TEXT = {"type": "string"}
REPORT_FILES = (
    "The report: JSON by default; with `format=csv` as CSV (semicolons, UTF-8 with BOM), "
    "`xlsx` as an Excel workbook, `pdf` as PDF."
)


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    response = Response(content, content_type=media_type)
    # The file name never holds personal data: it is made from the report's key and date.
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def documents_report_files(blueprint):
    """Documents the CSV, XLSX and PDF answers beside the JSON one of a report view."""

    def decorate(view):
        for file_format in (ExportFormat.csv, ExportFormat.xlsx, ExportFormat.pdf):
            media_type = FORMATS[file_format].media_type.split(";")[0]
            schema = TEXT if file_format == ExportFormat.csv else BINARY
            view = blueprint.alt_response(
                200,
                schema=schema,
                content_type=media_type,
                description=REPORT_FILES,
                success=True,
            )(view)
        return view

    return decorate

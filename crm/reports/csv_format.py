"""CSV as German spreadsheet users expect it: semicolons, UTF-8 with BOM, CRLF.

A one-section report is a plain table. A report of several sections puts each under a
title line, separated by an empty line, so that it opens as one readable sheet.
"""

import csv
import io

from crm.reports.report import Progress, Report, as_text, rows_of

# A cell starting with one of these is read as a formula by spreadsheet programs
# (CSV injection): such text gets a leading apostrophe, as OWASP recommends.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(
    report: Report, *, german_dates: bool = False, progress: Progress | None = None
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    titled = len(report.sections) > 1
    for number, section in enumerate(report.sections):
        if titled:
            if number:
                writer.writerow([])
            writer.writerow([section.title])
        writer.writerow([column.title for column in section.columns])
        for row in rows_of(section, progress):
            writer.writerow([_cell(value, german_dates) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def defused(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value, german_dates: bool) -> object:
    return defused(value) if isinstance(value, str) else as_text(value, german_dates=german_dates)

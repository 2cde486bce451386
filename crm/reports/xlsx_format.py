"""XLSX: a cover sheet, then one sheet per section with typed cells, a frozen header row
and an auto-filter. Text is always written as text: a value such as `=HYPERLINK(...)`
from the database never becomes a formula. Yes/no is written `ja`/`nein`, as in CSV and
PDF. Every sheet prints on A4 landscape, one page wide, with its header row repeated on
each page, in one font (Calibri, the workbook's default; a font without a name would
fall back to a serif)."""

import io
import re
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from crm.reports.report import LOCAL_TIME, Coded, Progress, Report, Section, as_text, rows_of

FONT_NAME = "Calibri"
BOLD = Font(name=FONT_NAME, bold=True)
# Characters Excel refuses in sheet names.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60


def render_xlsx(report: Report, *, progress: Progress | None = None, **_options) -> bytes:
    workbook = Workbook()
    _cover(workbook.active, report)
    used_names = {workbook.active.title}
    for section in report.sections:
        sheet = workbook.create_sheet(_sheet_name(section.title, used_names))
        _table(sheet, section, progress)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cover(sheet: Worksheet, report: Report) -> None:
    sheet.title = "Bericht"
    write_cell(sheet["A1"], report.municipality)
    write_cell(sheet["A2"], report.title)
    sheet["A2"].font = Font(name=FONT_NAME, bold=True, size=14)
    write_cell(sheet["A3"], report.subtitle)
    facts = [(p.label, p.value) for p in report.parameters]
    for row, (label, value) in enumerate([*facts, ("Erstellt am", report.generated_at)], 5):
        write_cell(sheet.cell(row, 1), label)
        write_cell(sheet.cell(row, 2), value)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 30
    _page_setup(sheet)


def _table(sheet: Worksheet, section: Section, progress: Progress | None) -> None:
    sheet.append([column.title for column in section.columns])
    for cell in sheet[1]:
        cell.font = BOLD
    widths = [len(column.title) for column in section.columns]
    for row_number, row in enumerate(rows_of(section, progress), 2):
        for index, value in enumerate(row):
            cell = sheet.cell(row_number, index + 1)
            write_cell(cell, value)
            widths[index] = max(widths[index], len(as_text(value)))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(section.columns))
    sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"
    _page_setup(sheet)
    sheet.print_title_rows = "1:1"


def _page_setup(sheet: Worksheet) -> None:
    """A4 landscape, as wide as one page and as long as it takes."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def write_cell(cell, value) -> None:
    """`value` typed as a spreadsheet shows it; text always as text, never a formula."""
    if isinstance(value, Coded | bool):
        value = as_text(value)
    if isinstance(value, datetime):
        # Excel has no time zones: local wall-clock time.
        value = value.astimezone(LOCAL_TIME).replace(tzinfo=None)
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"
    cell.value = value
    if isinstance(value, str):
        # openpyxl would store text starting with "=" as a formula.
        cell.data_type = "s"


def _sheet_name(title: str, used: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31]
    name, number = base, 2
    while name in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name

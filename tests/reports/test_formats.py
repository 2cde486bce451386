"""One report, four formats: CSV, XLSX and PDF lay out the same cells, typed and safe."""

import csv
import io
import uuid
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest

from crm.models import Contact, Partner
from crm.models.enums import Sector
from crm.reports.csv_format import render_csv
from crm.reports.pdf_format import render_pdf
from crm.reports.report import Column, Kind, Parameter, Report, Section, coded, to_json
from crm.reports.vcard import contact_cards
from crm.reports.xlsx_format import render_xlsx
from tests.reports.test_pdf_rendering import extracted

FORMULAS = ['=HYPERLINK("http://x")', "+49 3491 479-0", "-1+2", "@SUM(A1)"]


def report(rows=None, sections=1) -> Report:
    columns = [
        Column("name", "Name"),
        Column("sector", "Bereich", Kind.coded),
        Column("since", "Seit", Kind.date),
        Column("members", "Mitglieder", Kind.integer),
        Column("chair", "Vorsitz", Kind.boolean),
    ]
    rows = rows or [("Jugendförderung; Straße", coded(Sector.internal), date(2016, 5, 1), 3, True)]
    return Report(
        key="test_report",
        title="Bericht",
        municipality="Landkreis Wittenberg",
        generated_at=datetime(2026, 11, 24, 6, tzinfo=UTC),
        parameters=[Parameter("from", "Zeitraum von", date(2026, 1, 1))],
        sections=[Section(f"s{n}", f"Abschnitt {n}", columns, list(rows)) for n in range(sections)],
    )


def csv_lines(content: bytes) -> list[str]:
    return content.decode("utf-8-sig").split("\r\n")


def test_csv_starts_with_a_bom_and_separates_with_semicolons():
    content = render_csv(report())
    assert content.startswith(b"\xef\xbb\xbf")
    assert csv_lines(content)[:2] == [
        "Name;Bereich;Seit;Mitglieder;Vorsitz",
        '"Jugendförderung; Straße";verwaltungsintern;2016-05-01;3;ja',
    ]


def test_csv_writes_german_dates_on_request():
    assert ";01.05.2016;" in csv_lines(render_csv(report(), german_dates=True))[1]


def test_csv_titles_each_section_of_a_report_with_several():
    lines = csv_lines(render_csv(report(sections=2)))
    assert [lines[0], lines[3], lines[4]] == ["Abschnitt 0", "", "Abschnitt 1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_defuses_text_that_a_spreadsheet_would_run(text):
    row = (text, None, None, None, False)
    [_, cells] = csv.reader(csv_lines(render_csv(report([row])))[:2], delimiter=";")
    assert cells[0] == f"'{text}"


def test_csv_keeps_negative_numbers_as_numbers():
    row = ("x", None, None, -3, False)
    assert csv_lines(render_csv(report([row])))[1] == "x;;;-3;nein"


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_xlsx_writes_formula_like_text_as_text_never_as_a_formula():
    content = render_xlsx(report([(text, None, None, None, False) for text in FORMULAS]))
    sheet = workbook(content)["Abschnitt 0"]
    cells = [sheet.cell(row, 1) for row in range(2, 2 + len(FORMULAS))]
    assert [(c.value, c.data_type) for c in cells] == [(text, "s") for text in FORMULAS]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet2.xml").decode()


def test_xlsx_cells_are_typed():
    sheet = workbook(render_xlsx(report()))["Abschnitt 0"]
    name, sector, since, members, chair = (sheet.cell(2, n).value for n in range(1, 6))
    assert (name, sector, since, members, chair) == (
        "Jugendförderung; Straße",
        "verwaltungsintern",
        datetime(2016, 5, 1),
        3,
        "ja",
    )
    assert sheet.cell(2, 3).number_format == "DD.MM.YYYY"


def test_xlsx_freezes_the_header_and_filters_every_column():
    sheet = workbook(render_xlsx(report()))["Abschnitt 0"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:E2")


def test_xlsx_opens_with_a_cover_sheet_naming_the_municipality():
    book = workbook(render_xlsx(report()))
    assert book.sheetnames[0] == "Bericht"
    assert book["Bericht"]["A1"].value == "Landkreis Wittenberg"


def test_pdf_title_block_names_the_municipality():
    content = render_pdf(report())
    assert content.startswith(b"%PDF")
    assert "Landkreis Wittenberg" in extracted(content)


def test_pdf_repeats_the_table_header_on_every_page():
    rows = [(f"Partner {n}", None, None, n, False) for n in range(300)]
    text = extracted(render_pdf(report(rows)))
    pages = text.count("Seite ")
    assert pages > 3
    assert text.count("Mitglieder") == pages


def test_pdf_breaks_no_word_that_fits_its_column():
    words = "Verwaltungseinheit Kurzname info@kvhs-wittenberg.de"
    text = extracted(render_pdf(report([(words, None, None, 1, False)])))
    assert all(word in text.split() for word in words.split())


def test_xlsx_prints_one_page_wide_with_its_header_on_every_page():
    sheet = workbook(render_xlsx(report()))["Abschnitt 0"]
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    fonts = {cell.font.name for row in sheet.iter_rows() for cell in row}
    assert fonts == {"Calibri"}


def test_json_keys_each_row_by_column_and_carries_codes():
    [section] = to_json(report())["sections"]
    assert section["rows"] == [
        {
            "name": "Jugendförderung; Straße",
            "sector": "internal",
            "since": "2016-05-01",
            "members": 3,
            "chair": True,
        }
    ]


def test_vcard_escapes_and_names_the_organisation():
    contact = Contact(
        id=uuid.uuid4(),
        given_name="Anna",
        family_name="Müller, geb. Schulz",
        email="anna@example.org",
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    text = contact_cards([(contact, Partner(name="Jobcenter; Wittenberg"))]).decode()
    assert "N:Müller\\, geb. Schulz;Anna;;;\r\n" in text
    assert "FN:Anna Müller\\, geb. Schulz\r\n" in text
    assert "ORG:Jobcenter\\; Wittenberg\r\n" in text

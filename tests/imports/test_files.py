import io
import zipfile

import pytest

from crm.errors import InvalidInput, UnsupportedMediaType
from crm.imports.files import read_sheet
from tests.imports.files import csv_bytes, xlsx_bytes


def rows(content: bytes, name: str = "liste.csv") -> list[list]:
    sheet = read_sheet(io.BytesIO(content), name)
    return [sheet.headers] + [cells for _, cells in sheet.rows]


def test_semicolons_in_windows_1252():
    content = csv_bytes("Name;Ort", "Jugendförderung Weißenfels;Weißenfels", encoding="cp1252")
    assert rows(content)[1] == ["Jugendförderung Weißenfels", "Weißenfels"]


def test_commas_in_utf8_with_bom():
    content = b"\xef\xbb\xbf" + csv_bytes("Name,Ort", "Caritas Trier,Trier", delimiter=",")
    assert rows(content) == [["Name", "Ort"], ["Caritas Trier", "Trier"]]


def test_quoted_cells_may_hold_delimiters_and_line_breaks():
    content = b'Name;Notizen\r\n"A; B";"eins\r\nzwei"\r\n'
    assert rows(content)[1] == ["A; B", "eins\r\nzwei"]


def test_row_numbers_are_the_spreadsheets():
    sheet = read_sheet(io.BytesIO(csv_bytes("Name", "A", "B")), "x.csv")
    assert [number for number, _ in sheet.rows] == [2, 3]


def test_a_binary_file_named_csv_is_refused():
    with pytest.raises(InvalidInput) as refused:
        rows(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "liste.csv")
    assert "binary" in refused.value.errors["file"][0]


def test_utf16_is_refused_with_advice():
    with pytest.raises(InvalidInput) as refused:
        rows("Name\r\nA\r\n".encode("utf-16"))
    assert "UTF-16" in refused.value.errors["file"][0]


def test_rows_after_a_blank_line_and_rows_without_a_value_are_skipped():
    content = csv_bytes("Name;Ort", "A;Trier", "", ";", "B;Mainz")
    assert rows(content) == [["Name", "Ort"], ["A", "Trier"], ["B", "Mainz"]]


def test_xlsx_rows_with_typed_cells():
    content = xlsx_bytes(["Name", "PLZ"], ["Caritas Trier", 54290], [None, None])
    assert rows(content, "liste.xlsx") == [["Name", "PLZ"], ["Caritas Trier", 54290]]


def test_xlsx_formula_cells_come_as_formulas():
    content = xlsx_bytes(["Name"], ['=HYPERLINK("http://evil.example","Klick")'])
    assert rows(content, "liste.xlsx")[1] == ['=HYPERLINK("http://evil.example","Klick")']


def test_a_damaged_zip_is_refused():
    with pytest.raises(InvalidInput):
        rows(b"PK\x03\x04" + b"\x00" * 100, "liste.xlsx")


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(InvalidInput):
        rows(buffer.getvalue(), "liste.xlsx")


def test_old_excel_files_are_refused():
    with pytest.raises(UnsupportedMediaType):
        rows(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "liste.xls")

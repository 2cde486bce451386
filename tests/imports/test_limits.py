"""Every limit of crm.imports.limits, crossed by a hostile file of its kind (with the limit
lowered, so that the file stays small): a 422 that names the limit and where, before any
row is imported. bench/hostile.py sends the full-size files to a real server."""

import io
import re
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bench.hostile import xlsx as workbook
from crm.imports import limits
from crm.imports.files import read_sheet
from crm.imports.rows import RowImporter
from crm.models import Partner
from tests.imports.files import upload

STRINGS = "xl/sharedStrings.xml"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'


def xlsx(sheet_data: str, strings: str = "", prolog: str = "", extra: int = 0) -> bytes:
    return workbook([sheet_data.encode()], [strings.encode()], prolog.encode(), extra)


def rows(count: int, cells: str = '<c t="inlineStr"><is><t>Verein</t></is></c>') -> str:
    return HEADER + "".join(f'<row r="{n}">{cells}</row>' for n in range(2, count + 2))


def csv(*lines: str) -> bytes:
    return "\r\n".join(lines).encode() + b"\r\n"


# For each limit: the limit lowered to, and a file that crosses it (name, content), with
# where the answer says it did.
HOSTILE = {
    "rows": (
        3,
        [
            ("rows.csv", csv("Name", "a", "b", "c", "d"), {"row": 5}),
            ("rows.xlsx", xlsx(rows(4)), {"sheet": "Tabelle1", "row": 5}),
            ("styled.xlsx", xlsx(HEADER + '<row r="99" s="1"/>'), {"row": 99}),
        ],
    ),
    "columns": (
        3,
        [
            ("wide.csv", csv("Name;a;b;c"), {"row": 1, "column": "D"}),
            (
                "wide.xlsx",
                xlsx(rows(1, '<c t="s"><v>0</v></c>' * 4), "<si><t>x</t></si>"),
                {"sheet": "Tabelle1", "row": 2, "column": "D"},
            ),
            ("far.xlsx", xlsx(rows(1, '<c r="XFD2"><v>1</v></c>')), {"column": "XFD"}),
        ],
    ),
    "cells": (
        5,
        [
            ("cells.csv", csv("Name", "a;", "b;", "c"), {"row": 4}),
            (
                "bomb.xlsx",
                xlsx(rows(5, '<c t="s"><v>0</v></c>'), "<si><t>x</t></si>"),
                {"sheet": "Tabelle1", "row": 6},
            ),
            ("empty.xlsx", xlsx(rows(1, '<c s="1"/>' * 10)), {"row": 2}),
        ],
    ),
    "cell_characters": (
        10,
        [
            ("cell.csv", csv("Name;Ort", "Verein;" + "x" * 11), {"row": 2, "column": "B"}),
            ("lines.csv", csv("Name", '"' + "x\r\n" * 10 + '"'), {"column": "A"}),
            (
                "inline.xlsx",
                xlsx(rows(1, f'<c t="inlineStr"><is><t>{"x" * 11}</t></is></c>')),
                {"row": 2, "column": "A"},
            ),
            (
                "shared.xlsx",
                xlsx(rows(1, '<c t="s"><v>0</v></c>'), f"<si><t>{'x' * 11}</t></si>"),
                {"part": "xl/sharedStrings.xml", "shared_string": 1},
            ),
        ],
    ),
    "row_bytes": (
        100,
        [
            ("line.csv", csv("Name", "x" * 200), {"row": 2}),
            ("fields.csv", csv("Name", '"\r\n";' * 60 + "x"), {}),
        ],
    ),
    "unpacked_bytes": (
        2_000,
        [
            ("bomb.xlsx", xlsx(rows(100)), {"part": "(all, as the zip's directory says)"}),
        ],
    ),
    "zip_parts": (5, [("parts.xlsx", xlsx(rows(1), extra=5), {})]),
    "shared_strings": (
        3,
        [
            (
                "strings.xlsx",
                xlsx(rows(1), "<si><t>x</t></si>" * 4),
                {"part": "xl/sharedStrings.xml"},
            )
        ],
    ),
    "shared_string_bytes": (
        10,
        [
            (
                "strings.xlsx",
                xlsx(rows(1), "<si><t>xxxx</t></si>" * 3),
                {"part": "xl/sharedStrings.xml"},
            )
        ],
    ),
    "styles": (3, []),  # below, with a styles part
    "xml_depth": (
        8,
        [
            (
                "nested.xlsx",
                xlsx(rows(1, "<c>" + "<x>" * 10 + "</x>" * 10 + "</c>")),
                {"part": "xl/worksheets/sheet1.xml"},
            )
        ],
    ),
    "xml_token_bytes": (
        1_000,
        [
            (
                "tag.xlsx",
                xlsx(rows(1, f'<c x="{"y" * 200_000}"/>')),
                {"part": "xl/worksheets/sheet1.xml"},
            )
        ],
    ),
}


def styled_workbook(formats: int) -> bytes:
    workbook = Workbook()
    workbook.active.append(["Name"])
    for number in range(formats):
        workbook.active.append([f"Verein {number}"])
        workbook.active.cell(number + 2, 1).number_format = f"0.{'0' * (number + 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HOSTILE["styles"][1].append(("styles.xlsx", styled_workbook(5), {"part": "xl/styles.xml"}))
# Parametrised by limit: a new limit needs its hostile files here.
CASES = [
    pytest.param(name, lowered, file_name, content, where, id=f"{name}-{file_name}")
    for name, (lowered, files) in HOSTILE.items()
    for file_name, content, where in files
]


def test_every_limit_has_hostile_files():
    assert {limit.name for limit in limits.ALL} == {
        name for name, (_, files) in HOSTILE.items() if files
    }


@pytest.mark.parametrize(("name", "lowered", "file_name", "content", "where"), CASES)
def test_a_file_over_a_limit_is_refused_naming_it_before_any_row_is_imported(
    client, session, monkeypatch, name, lowered, file_name, content, where
):
    (limit,) = [limit for limit in limits.ALL if limit.name == name]
    monkeypatch.setattr(limit, "maximum", lowered)
    monkeypatch.setattr(RowImporter, "import_batch", lambda *args: pytest.fail("imported"))
    response = upload(client, content, name=file_name)
    assert response.status_code == 422, response.json
    assert response.json["type"] == "urn:crm:problem:import-limit-exceeded"
    assert (response.json["limit"], response.json["maximum"]) == (name, lowered)
    assert response.json.items() >= where.items()
    assert f"{lowered:,}" in response.json["errors"]["file"][0]
    assert session.scalar(select(func.count()).select_from(Partner)) == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laughs.xlsx", xlsx(rows(1), prolog='<!DOCTYPE x [<!ENTITY a "aaaa">]>')),
        ("truncated.xlsx", xlsx(rows(100))[:-200]),
        ("unordered.xlsx", xlsx('<row r="3"><c><v>1</v></c></row><row r="2"/>')),
        ("reference.xlsx", xlsx(rows(1, '<c r="A-1"><v>1</v></c>'))),
        ("index.xlsx", xlsx(rows(1, '<c t="s"><v>7</v></c>'))),
        ("no-workbook.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_a_damaged_or_entity_laden_workbook_is_a_422(client, session, name, content):
    response = upload(client, content, name=name)
    assert response.status_code == 422
    assert "XLSX" in response.json["errors"]["file"][0]


def test_limits_are_documented_in_the_readme():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for limit in limits.ALL:
        assert re.search(rf"\| `{limit.name}` \| {limit.maximum:,} \|", readme), limit.name


def cells_of(content: bytes) -> list[list]:
    sheet = read_sheet(io.BytesIO(content), "liste.xlsx")
    return [sheet.headers] + [cells for _, cells in sheet.rows]


def test_xlsx_cells_read_as_openpyxl_reads_them():
    """Shared and inline strings, numbers, dates and times in several formats, booleans,
    formulas, rich text, gaps; compared with openpyxl's own reading."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Zahl", "Datum", "Zeit", "Ja", "Formel", None, "Spät"])
    for number in range(300):
        sheet.append(
            [
                f"Verein {number % 40} e.V.",
                number * 1.5 if number % 2 else number,
                f"=DATE(2026,1,{number % 28 + 1})" if number % 7 == 0 else None,
                None,
                number % 3 == 0,
                "=A2&B2",
                None,
                "Übermorgen" if number % 5 else None,
            ]
        )
        if number % 7:
            sheet.cell(number + 2, 3).value = date(2026, 1, number % 28 + 1)
        sheet.cell(number + 2, 4).value = time(number % 24, 30)
    sheet.cell(5, 3).number_format = "DD.MM.YYYY"
    sheet.cell(6, 2).number_format = "[h]:mm"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    expected = [
        list(row)
        for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(
            values_only=True
        )
    ]
    for row in expected:
        while row and row[-1] is None:
            row.pop()
    assert cells_of(content) == [[cell or "" for cell in expected[0]], *expected[1:]]


def test_a_legitimate_large_xlsx_still_imports(client, session):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Name", "Art", "Sektor", "PLZ", "Ort"])
    for number in range(3_000):
        sheet.append([f"Stiftung Nummer {number}", "Verein", "extern", 54290, "Trier"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, buffer.getvalue(), name="liste.xlsx", allow_duplicates="true")
    assert response.status_code == 201, response.json
    assert response.json["counts"]["created"] == 3_000

"""A cell as the API's schema expects the field's value: spreadsheets write dates as
"01.05.2016" or as dates, yes as "ja", a sector as "verwaltungsintern", several topics in
one cell, and postal codes as numbers that lost their leading zero.

Formulas are refused, never stored: a cell that starts with "=" (or with "+", "-" or "@"
followed by anything but a number, as in "=HYPERLINK(...)" or "@SUM(...)") makes the row
invalid. Stored as text it would run when somebody opens an export of it in a
spreadsheet; and a workbook's cached result is not what the user saw either.
"""

import re
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from marshmallow import ValidationError, fields

from crm.imports.files import Cell
from crm.text import fold

FORMULA = re.compile(r"^(=|[+\-@](?![\d\s().,/+-]*$))")
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
PARENTHESES = re.compile(r"\s*\([^)]*\)")
LIST_SEPARATORS = re.compile(r"\s*[;,|\n]\s*")
YES = frozenset("ja j yes y x true wahr 1".split())
NO = frozenset("nein n no false falsch 0".split())
FIVE_DIGITS = {"postal_code"}


def as_text(cell: Cell, name: str = "") -> str | None:
    """The cell as text; None when empty. Numbers lose a trailing ".0"."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "ja" if cell else "nein"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and name in FIVE_DIGITS and 0 <= cell < 100_000:
        return f"{cell:05d}"  # a postal code that a spreadsheet took for a number
    text = str(cell).strip()
    if FORMULA.match(text):
        raise ValidationError("A formula: enter the value itself; formulas are not imported.")
    return text or None


def converted(field: fields.Field, text: str) -> Any:
    """What the schema's field loads, from the text of a cell."""
    if isinstance(field, fields.List) and not isinstance(field.inner, fields.Nested):
        return [converted(field.inner, item) for item in LIST_SEPARATORS.split(text) if item]
    if isinstance(field, fields.Enum):
        return _enum_value(field.enum, text)
    if isinstance(field, fields.Date):
        return _iso_date(text)
    if isinstance(field, fields.Boolean):
        return _boolean(text)
    return text


@lru_cache(maxsize=1024)  # a list repeats the same few values in every row
def _enum_value(enum: type, text: str) -> str:
    """A value by itself or by its German or English label ("Vorsitz" -> "chair"), or by
    the one label it ends ("extern" for "verwaltungsextern")."""
    wanted = fold(text)
    names = _folded_names(enum)
    exact = [value for value, folded in names.items() if wanted in folded]
    ending = [value for value, folded in names.items() if any(n.endswith(wanted) for n in folded)]
    found = exact or (ending if len(wanted) >= 4 else [])
    return found[0] if len(found) == 1 else text  # else the schema names the values


@cache
def _folded_names(enum: type) -> dict[str, set[str]]:
    return {
        member.value: {fold(n) for n in (member.value, *_labels(member)) if n} for member in enum
    }


def _labels(member) -> list[str]:
    """Its labels, also without what they add in parentheses ("Öffentliche Aufgabe")."""
    labels = [getattr(member, "label_de", ""), getattr(member, "label_en", "")]
    return labels + [PARENTHESES.sub("", label).strip() for label in labels]


def _iso_date(text: str) -> str:
    german = GERMAN_DATE.match(text)
    if not german:
        return text
    day, month, year = german.groups()
    year = year if len(year) == 4 else f"20{year}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _boolean(text: str) -> bool | str:
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return text

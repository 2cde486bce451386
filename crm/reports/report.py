"""The report data structure that every format renders, so that each shows the same numbers.

Builders (`group_report`, `register_reports`) fill it; renderers (`*_format`) only lay it out. Cell
values are typed: `str`, `int`, `bool`, `date`, `datetime`, `Coded` or `None`.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

# German municipalities: dates and times in reports are Berlin time.
LOCAL_TIME = ZoneInfo("Europe/Berlin")


class Coded(NamedTuple):
    """A value with a code for machines and a German label for people (`external`,
    "verwaltungsextern"): JSON carries the code, the other formats the label."""

    code: str
    label: str


def coded(member: Any) -> Coded | None:
    """An enumeration member (LabelledEnum) or vocabulary entry as a `Coded` value."""
    if member is None:
        return None
    if isinstance(member, StrEnum):
        return Coded(member.value, member.label_de)
    return Coded(member.code, member.label_de)


class Kind(StrEnum):
    text = "text"
    integer = "integer"
    boolean = "boolean"
    date = "date"
    datetime = "datetime"
    coded = "coded"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: Kind = Kind.text
    # Relative width in the PDF.
    width: float = 1.0


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    # Rows that share their first `block_columns` values describe one record (a partner
    # and its contacts): the PDF shows it as a block, the tables as rows.
    block_columns: int = 0


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    value: Any


@dataclass
class Report:
    key: str
    title: str
    municipality: str
    generated_at: datetime
    subtitle: str | None = None
    parameters: list[Parameter] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # Whose personal data the report holds: recorded with every stored export.
    contact_ids: set[uuid.UUID] = field(default_factory=set)

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


Progress = Callable[[int], None]


def rows_of(section: Section, progress: Progress | None) -> Iterator[tuple]:
    """The rows of a section, telling `progress` how many have been laid out."""
    for number, row in enumerate(section.rows, 1):
        yield row
        if progress and number % 100 == 0:
            progress(100)
    if progress and len(section.rows) % 100:
        progress(len(section.rows) % 100)


def as_text(value: Any, *, german_dates: bool = True) -> str:
    """A cell as people read it: labels, `ja`/`nein`, dates as dd.mm.yyyy or ISO."""
    if value is None:
        return ""
    if isinstance(value, Coded):
        return value.label
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        local = value.astimezone(LOCAL_TIME)
        return f"{local:%d.%m.%Y %H:%M}" if german_dates else local.isoformat(timespec="minutes")
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}" if german_dates else value.isoformat()
    return str(value)


def as_json(value: Any) -> Any:
    if isinstance(value, Coded):
        return value.code
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(report: Report, progress: Progress | None = None) -> dict:
    """The report as the JSON body: each section's rows as objects keyed by column."""
    return {
        "report": report.key,
        "title": report.title,
        "subtitle": report.subtitle,
        "municipality": report.municipality,
        "generated_at": as_json(report.generated_at),
        "parameters": {p.key: as_json(p.value) for p in report.parameters},
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "columns": [
                    {"key": c.key, "title": c.title, "type": str(c.kind)} for c in section.columns
                ],
                "rows": [
                    {c.key: as_json(v) for c, v in zip(section.columns, row, strict=True)}
                    for row in rows_of(section, progress)
                ],
            }
            for section in report.sections
        ],
    }

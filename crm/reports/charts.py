"""Charts of a report's sections, drawn by matplotlib from the section's own rows, so that
a chart shows exactly the figures of the table beneath it.

Imported only when a PDF is drawn (matplotlib takes a while to load), with the Agg backend
(no display). A section has a chart when `CHARTS` names its key and it has rows.
"""

import io
import math
from collections.abc import Callable
from textwrap import fill

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot
from matplotlib.figure import Figure

from crm.reports.report import Section, as_text

SECTOR_COLOURS = {"internal": "#1f77b4", "external": "#ff7f0e"}
ATTENDANCE_COLOURS = ("#2ca02c", "#bcbd22", "#d62728", "#c7c7c7")
HEIGHT_INCHES = 2.0
# The attendance axis has room for this many meetings at least, so one is no wall.
MEETINGS_ON_THE_AXIS = 8
DOTS_PER_INCH = 130


def has_chart(section: Section) -> bool:
    return section.key in CHARTS and bool(section.rows)


def chart_of(section: Section, width_inches: float) -> tuple[io.BytesIO, float]:
    """The section's chart as PNG `width_inches` wide, and its height by its width."""
    figure = Figure(figsize=(width_inches, HEIGHT_INCHES), layout="constrained")
    CHARTS[section.key](figure, section)
    picture = io.BytesIO()
    figure.savefig(picture, format="png", dpi=DOTS_PER_INCH)
    picture.seek(0)
    width, height = figure.get_size_inches()
    return picture, height / width


def _members_by_kind(figure: Figure, section: Section) -> None:
    """Bars per kind of partner, in two colours: verwaltungsintern and -extern."""
    axes = figure.subplots()
    kinds = sorted({kind.label for _, kind, _ in section.rows})
    left = dict.fromkeys(kinds, 0)
    for code, colour in SECTOR_COLOURS.items():
        counts = {kind.label: n for sector, kind, n in section.rows if sector.code == code}
        if not counts:
            continue
        label = next(s.label for s, _, _ in section.rows if s.code == code)
        values = [counts.get(kind, 0) for kind in kinds]
        axes.barh(kinds, values, left=[left[k] for k in kinds], color=colour, label=label)
        for kind, value in zip(kinds, values, strict=True):
            left[kind] += value
    axes.invert_yaxis()
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlabel("Mitglieder")
    axes.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=7)
    axes.tick_params(labelsize=7)
    figure.set_size_inches(figure.get_size_inches()[0], 0.6 + 0.22 * len(kinds))


def _attendance_per_meeting(figure: Figure, section: Section) -> None:
    """Stacked bars per meeting held: present, excused, absent, not recorded."""
    columns = [c.key for c in section.columns]
    held = [row for row in section.rows if row[columns.index("status")].code == "held"]
    axes = figure.subplots()
    labels = [as_text(row[0].date()) for row in held] or ["keine durchgeführte Sitzung"]
    counted = columns[columns.index("status") + 1 :]
    bottom = [0] * len(held)
    for key, colour in zip(counted, ATTENDANCE_COLOURS, strict=True):
        values = [row[columns.index(key)] or 0 for row in held]
        title = section.columns[columns.index(key)].title
        axes.bar(labels[: len(held)], values, bottom=bottom, color=colour, label=title)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xlim(-0.5, max(len(held), MEETINGS_ON_THE_AXIS) - 0.5)
    figure.set_size_inches(figure.get_size_inches()[0], 1.5)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("Mitglieder")
    axes.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    axes.tick_params(labelsize=8)


def _coverage_heat_map(figure: Figure, section: Section) -> None:
    """Topics by target groups: how many members work on each pair; 0 is a gap."""
    topics = [row[0].label for row in section.rows]
    groups = [column.title for column in section.columns[1:]]
    matrix = [list(row[1:]) for row in section.rows]
    figure.set_size_inches(figure.get_size_inches()[0], 0.9 + 0.2 * len(topics))
    axes = figure.subplots()
    axes.imshow(matrix, cmap="Blues", aspect="auto", vmin=0)
    axes.set_xticks(range(len(groups)), [fill(g, 18) for g in groups], fontsize=6)
    axes.set_yticks(range(len(topics)), topics, fontsize=7)
    top = max(max(line) for line in matrix) or 1
    for y, line in enumerate(matrix):
        for x, count in enumerate(line):
            colour = "white" if count > top / 2 else "black"
            axes.text(x, y, str(count), ha="center", va="center", fontsize=7, color=colour)


def _network(figure: Figure, section: Section) -> None:
    """The group in the middle, its members around it by number (coloured by sector), and
    lines between members that are parties to the same agreements in force."""
    sector = {row[0]: row[2] for row in section.rows}
    numbers = list(sector)
    figure.set_size_inches(figure.get_size_inches()[0], 2.6)
    axes = figure.subplots()
    axes.set_axis_off()
    angle = {number: 2 * math.pi * n / len(numbers) for n, number in enumerate(numbers)}
    place = {number: (math.cos(a), math.sin(a)) for number, a in angle.items()}
    for x, y in place.values():
        axes.plot([0, x], [0, y], color="#dddddd", linewidth=0.8, zorder=1)
    for number, _, _, other, count in section.rows:
        if other is not None:
            (x1, y1), (x2, y2) = place[number], place[other]
            axes.plot([x1, x2], [y1, y2], color="#555555", linewidth=0.5 + count, zorder=2)
    axes.scatter([0], [0], marker="h", s=500, color="#6a3d9a", zorder=3)
    for number, (x, y) in place.items():
        colour = SECTOR_COLOURS.get(sector[number].code, "#999999")
        axes.scatter([x], [y], s=150, color=colour, edgecolor="white", zorder=3)
        axes.annotate(str(number), (x, y), ha="center", va="center", fontsize=7, zorder=4)
    axes.set_aspect("equal")
    axes.set_xlim(-1.2, 1.2)
    axes.set_ylim(-1.15, 1.15)


CHARTS: dict[str, Callable[[Figure, Section], None]] = {
    "members_by_sector_and_kind": _members_by_kind,
    "meetings": _attendance_per_meeting,
    "coverage": _coverage_heat_map,
    "network": _network,
}

# The pyplot state machine is never used; importing it registers the colour maps.
del pyplot

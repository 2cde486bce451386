"""PDF: the report's title block, then its sections one after the other (a section starts a
page only when the page is full), each with its chart, if it has one, above its table,
whose header row repeats on every page it runs onto.

Names in a register of migrant organisations come in every script, so the fonts are
embedded: Noto Sans (Latin with every diacritic, Cyrillic, Greek), with Noto Sans Arabic
(Arabic, Persian) and Noto Sans Ethiopic (Tigrinya, Amharic) as fallbacks, shipped in
`fonts/` with their licence (OFL). Text in a fallback font or right to left is shaped by
HarfBuzz (uharfbuzz) through fpdf2's own cell layout; everything else, nearly every cell,
takes a fast path: rows are laid out by hand, measuring text with the font's width table,
since fpdf2's own table layout is too slow for 1,000 rows.

A section whose first `Section.block_columns` columns describe a record with several
rows (a partner and its contacts) is laid out as a directory: one block per record, its
details in a line, and the rest of its rows as a table beneath.
"""

import copy
from functools import cache
from itertools import groupby
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont

from crm.reports.report import Column, Progress, Report, Section, as_text, rows_of

FONT_FOLDER = Path(__file__).parent / "fonts"
FONT = "NotoSans"
FALLBACK_FONTS = ("NotoSansArabic", "NotoSansEthiopic")
FONT_SIZE = 8
LINE_HEIGHT = 3.6
PADDING = 0.8
HEADER_FILL = (225, 225, 225)
# Paragraphs run left to right, as the German text does, with Arabic and Persian runs
# right to left within them; also a wrapped cell's line that starts with Arabic (each
# line is laid out on its own, and would otherwise take the direction of its first
# letter).
PARAGRAPH_DIRECTION = "ltr"
BLOCK_FILL = (242, 242, 242)
# Room a section needs below its title to start on the page: the header row and a row.
SECTION_START_ROOM = 30
# A table of this many columns or fewer goes beside its chart, else beneath it.
COLUMNS_BESIDE_A_CHART = 5
MM_PER_INCH = 25.4


def render_pdf(report: Report, *, progress: Progress | None = None, **_options) -> bytes:
    document = _Document(report)
    document.title_block()
    for section in report.sections:
        document.section(section, progress)
    try:
        return bytes(document.output())
    finally:
        for font in document.fonts.values():
            font.ttfont.close()


@cache
def _font_templates() -> dict[str, TTFFont]:
    """The fonts, read once per process (reading them takes longer than a report)."""
    template = FPDF()
    for family in (FONT, *FALLBACK_FONTS):
        template.add_font(family, "", FONT_FOLDER / f"{family}-Regular.ttf")
        template.add_font(family, "B", FONT_FOLDER / f"{family}-Bold.ttf")
    return template.fonts


def _font_copy(template: TTFFont) -> TTFFont:
    """A font for one document, which embeds the subset of the glyphs it used: its
    measurements shared with the template, its font file opened anew (lazily), since
    fpdf2 cuts the subset out of the file in place."""
    font = copy.deepcopy(template)
    font.ttfont = TTFont(template.ttffile, recalcTimestamp=False, lazy=True)
    return font


@cache
def _main_font_characters() -> frozenset[str]:
    """The characters the fast path may draw: those of the main font, none of them right
    to left (Noto Sans has no Arabic or Hebrew letters)."""
    return frozenset(chr(code) for code in _font_templates()[FONT.lower()].cmap)


class _Document(FPDF):
    def __init__(self, report: Report):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.fonts.update({key: _font_copy(font) for key, font in _font_templates().items()})
        self.set_fallback_fonts(FALLBACK_FONTS)
        self.set_text_shaping(True, direction=PARAGRAPH_DIRECTION)
        self.simple_characters = _main_font_characters()
        self._measured: dict[tuple[str, str], float] = {}
        self.report = report
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(False, margin=14)
        self.set_title(report.title)
        self.set_author(report.municipality)
        self.set_creator("Kooperationspartner-CRM")

    def footer(self) -> None:
        self.set_font(FONT, size=7)
        caption = f"{self.report.municipality} · {self.report.title}"
        if self.report.subtitle:
            caption += f" · {self.report.subtitle}"
        self.texts([(self.l_margin, self.h - 7, caption)])
        # Simple text, unshaped: the page count is filled in when the file is written.
        self.set_text_shaping(False)
        self.set_xy(self.l_margin, self.h - 10)
        self.cell(0, 4, f"Seite {self.page_no()} von {{nb}}", align="R")
        self.set_text_shaping(True, direction=PARAGRAPH_DIRECTION)

    def is_simple(self, text: str) -> bool:
        return set(text) <= self.simple_characters

    def texts(self, texts: list[tuple[float, float, str]]) -> None:
        """Strings at their places (x, baseline): the simple ones as one drawing operation,
        what `text()` does for each without its per-call overhead (fpdf2 has no public
        way to batch them); the others shaped, with fallback fonts, by `cell()`."""
        simple = [(x, y, text) for x, y, text in texts if self.is_simple(text)]
        if simple:
            if not self.current_font_is_set_on_page:
                self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
            k, height, font = self.k, self.h, self.current_font
            self._out(
                " ".join(
                    f"BT {x * k:.2f} {(height - y) * k:.2f} Td {font.encode_text(text)} ET"
                    for x, y, text in simple
                )
            )
        for x, y, text in texts:
            if not self.is_simple(text):
                self.set_xy(x - self.c_margin, y - 0.5 * LINE_HEIGHT - 0.3 * self.font_size)
                self.cell(None, LINE_HEIGHT, text)

    def room(self) -> float:
        return self.h - self.b_margin - self.get_y()

    def title_block(self) -> None:
        report = self.report
        self.add_page()
        self._line(report.municipality, 11, "")
        self._line(report.title, 18, "B", gap=1)
        if report.subtitle:
            self._line(report.subtitle, 13, "")
        facts = [f"{p.label}: {as_text(p.value)}" for p in report.parameters]
        facts.append(f"Erstellt am {as_text(report.generated_at)}")
        self._line(" · ".join(facts), 9, "", gap=4)

    def _line(self, text: str, size: int, style: str, gap: float = 1) -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def section(self, section: Section, progress: Progress | None) -> None:
        """Title, then the chart above the table, or beside it when the table is narrow."""
        from crm.reports.charts import chart_of, has_chart  # matplotlib: only when drawn

        width = self.w - self.l_margin - self.r_margin
        beside = len(section.columns) <= COLUMNS_BESIDE_A_CHART and not section.block_columns
        chart_width = width / 2 if beside else width
        chart = has_chart(section) and chart_of(section, chart_width / MM_PER_INCH)
        chart_height = chart[1] * chart_width if chart else 0
        table_start = SECTION_START_ROOM if section.rows else 6
        needed = 8 + (max(chart_height, table_start) if beside else chart_height + table_start)
        if self.room() < needed:
            self.add_page()
        else:
            self.ln(3)
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        if not section.rows:
            self.set_font(FONT, "", 9)
            self.cell(0, 5, "Keine Einträge.", new_x="LMARGIN", new_y="NEXT")
            return
        top, chart_bottom = self.get_y(), self.get_y()
        if chart:
            x = self.l_margin + (width - chart_width)
            self.image(chart[0], x=x, y=top, w=chart_width)
            chart_bottom = top + chart_height
            if not beside:
                self.set_y(chart_bottom + 2)
        if section.block_columns:
            self._blocks(section, progress)
            return
        right = self.l_margin + width / 2 - 3 if chart and beside else None
        texts = [[as_text(value) for value in row] for row in section.rows]
        table = _Table(self, section.columns, right=right, texts=texts)
        table.header()
        for row in rows_of(section, progress):
            table.row([as_text(value) for value in row])
        table.close()
        if self.page_no() == table.first_page and self.get_y() < chart_bottom:
            self.set_y(chart_bottom)

    def _blocks(self, section: Section, progress: Progress | None) -> None:
        """One block per record: its first column as a heading, its other leading columns
        in a line beneath, then its rows' remaining columns as a table (a line saying
        there are none when its rows hold nothing there)."""
        leading, columns = section.block_columns, section.columns
        entries = [[as_text(value) for value in row[leading:]] for row in section.rows]
        table = _Table(self, columns[leading:], texts=entries)
        rows = zip(rows_of(section, progress), entries, strict=True)
        for number, (record, block) in enumerate(groupby(rows, key=lambda r: r[0][:leading])):
            if number:
                self.ln(2)
            self._block_heading(columns[:leading], record)
            filled = [texts for _, texts in block if any(texts)]
            if not filled:
                self.set_font(FONT, "", FONT_SIZE)
                self._paragraph([f"{columns[leading].title}: keine"])
                continue
            table.header()
            for texts in filled:
                table.row(texts)
            table.close()

    def _block_heading(self, columns: list[Column], values: tuple) -> None:
        name, *details = [as_text(v) for v in values]
        facts = " · ".join(
            f"{column.title}: {text}"
            for column, text in zip(columns[1:], details, strict=True)
            if text
        )
        if self.room() < 24:
            self.add_page()
        width = self.w - self.l_margin - self.r_margin
        self.set_font(FONT, "B", FONT_SIZE + 1)
        self._paragraph(self.wrap(name, width), fill=BLOCK_FILL)
        if facts:
            self.set_font(FONT, "", FONT_SIZE)
            self._paragraph(self.wrap(facts, width))
        self.ln(1)

    def _paragraph(self, lines: list[str], fill: tuple | None = None) -> None:
        """Lines of the current font, each a line height, on a background if given."""
        top = self.get_y()
        height = len(lines) * LINE_HEIGHT + 2 * PADDING
        if fill:
            self.set_fill_color(*fill)
            self.rect(self.l_margin, top, self.w - self.l_margin - self.r_margin, height, "F")
            self.set_fill_color(0)
        baseline = top + PADDING + 0.78 * LINE_HEIGHT
        self.texts(
            [
                (self.l_margin + PADDING, baseline + n * LINE_HEIGHT, line)
                for n, line in enumerate(lines)
            ]
        )
        self.set_xy(self.l_margin, top + height)

    def longest_word(self, text: str) -> float:
        return max((self._measure(word) for word in text.split()), default=0.0)

    def wrap(self, text: str, width: float) -> list[str]:
        """Lines of `text` that fit `width`, broken at spaces (after a hyphen or slash too),
        or inside a word only when the word alone is wider than the column."""
        room, space = width - 2 * PADDING, self._measure(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, line_width = "", 0.0
            for word in paragraph.split(" "):
                word_width = self._measure(word)
                if line and line_width + space + word_width <= room:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                    continue
                if line:
                    lines.append(line)
                line, line_width = word, word_width
                if line_width > room:
                    *pieces, line = self._break_word(word, room)
                    lines.extend(pieces)
                    line_width = self._measure(line)
            lines.append(line)
        return lines

    def _break_word(self, word: str, room: float) -> list[str]:
        """A word too long for its column, in pieces that fit (at least a letter each)."""
        pieces, start, used = [], 0, 0.0
        for index, character in enumerate(word):
            width = self._measure(character)
            if used + width > room and index > start:
                pieces.append(word[start:index])
                start, used = index, 0.0
            used += width
        pieces.append(word[start:])
        return pieces

    def _measure(self, text: str) -> float:
        font = self.current_font
        key = (font.fontkey, text)
        width = self._measured.get(key)
        if width is None:
            if self.is_simple(text):
                width = sum(font.cw[ord(c)] for c in text) / 1000
            else:
                width = self.get_string_width(text) / self.font_size
            self._measured[key] = width
        return width * self.font_size


class _Table:
    """A table drawn row by row: text, a rule under each row, and the column rules of a
    page drawn once when the page is full (far fewer drawing operations than boxes)."""

    def __init__(
        self,
        document: _Document,
        columns: list[Column],
        right: float | None = None,
        texts: list[list[str]] = (),
    ):
        self.document = document
        self.columns = columns
        self.first_page = document.page_no()
        self.left = document.l_margin
        self.right = right or document.w - document.r_margin
        self.widths = self._widths(texts)
        self.top = document.get_y()

    def _widths(self, texts: list[list[str]]) -> list[float]:
        """The columns' shares of the width, each at least as wide as its longest word
        (title or cell), so that no word is broken while the words fit side by side."""
        document, room = self.document, self.right - self.left
        document.set_font(FONT, "B", FONT_SIZE)
        longest = [document.longest_word(column.title) for column in self.columns]
        document.set_font(FONT, "", FONT_SIZE)
        for row in texts:
            longest = [max(w, document.longest_word(t)) for w, t in zip(longest, row, strict=True)]
        least = [width + 2 * PADDING + 0.5 for width in longest]
        weights = [column.width for column in self.columns]
        widths = [room * weight / sum(weights) for weight in weights]
        if sum(least) > room:
            return widths  # Too many columns for their words: some words are broken.
        fixed: set[int] = set()
        while narrow := {n for n, w in enumerate(widths) if n not in fixed and w < least[n]}:
            fixed |= narrow
            rest = room - sum(least[n] for n in fixed)
            free = sum(w for n, w in enumerate(weights) if n not in fixed)
            widths = [least[n] if n in fixed else rest * w / free for n, w in enumerate(weights)]
        return widths

    def header(self) -> None:
        self.top = self.document.get_y()
        self.document.set_font(FONT, "B", FONT_SIZE)
        titles = [column.title for column in self.columns]
        self._draw(
            [self.document.wrap(t, w) for t, w in zip(titles, self.widths, strict=True)], fill=True
        )
        self.document.set_font(FONT, "", FONT_SIZE)

    def row(self, texts: list[str]) -> None:
        cells = [
            self.document.wrap(text, width) for text, width in zip(texts, self.widths, strict=True)
        ]
        if not self._fits(self._height(cells)) and self._height(cells) <= self._page_room():
            self._new_page()
        # A row taller than a page continues on the next one.
        while not self._fits(self._height(cells)):
            lines = max(1, int((self.document.room() - 2 * PADDING) / LINE_HEIGHT))
            self._draw([cell[:lines] for cell in cells])
            cells = [cell[lines:] for cell in cells]
            self._new_page()
        self._draw(cells)

    def close(self) -> None:
        """The outer and column rules of the table's part on this page."""
        document, bottom = self.document, self.document.get_y()
        document.line(self.left, self.top, self.right, self.top)
        x = self.left
        for width in [0, *self.widths]:
            x += width
            document.line(x, self.top, x, bottom)

    def _new_page(self) -> None:
        self.close()
        self.document.add_page()
        self.header()

    def _height(self, cells: list[list[str]]) -> float:
        return max(len(lines) for lines in cells) * LINE_HEIGHT + 2 * PADDING

    def _page_room(self) -> float:
        return self.document.h - self.document.b_margin - self.document.t_margin - 12

    def _fits(self, height: float) -> bool:
        return height <= self.document.room()

    def _draw(self, cells: list[list[str]], fill: bool = False) -> None:
        document = self.document
        height = self._height(cells)
        x, y = self.left, document.get_y()
        if fill:
            document.set_fill_color(*HEADER_FILL)
            document.rect(x, y, self.right - x, height, style="F")
            # Text is painted in the fill colour.
            document.set_fill_color(0)
        texts = []
        for lines, width in zip(cells, self.widths, strict=True):
            for number, line in enumerate(lines):
                if line:
                    texts.append((x + PADDING, y + PADDING + (number + 0.78) * LINE_HEIGHT, line))
            x += width
        document.texts(texts)
        document.line(self.left, y + height, self.right, y + height)
        document.set_xy(self.left, y + height)

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
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont

from crm.reports.report import Column, Progress, Report, Section, as_text, rows_of

FONT_FOLDER = Path(__file__).parent / "fonts"
FONT = "NotoSans"
FALLBACK_FONTS = ("NotoSansArabic", "NotoSansEthiopic")
FONT_SIZE = 8
LINE_HEIGHT = 3.8
PADDING = 1.0
HEADER_FILL = (225, 225, 225)
BLOCK_FILL = (242, 242, 242)
# Room a section needs below its title to start on the page: the header row and a row.
SECTION_START_ROOM = 30
CHART_HEIGHT = 62


def render_pdf(report: Report, *, progress: Progress | None = None, **_options) -> bytes:
    document = _Document(report)
    document.title_block()
    for section in report.sections:
        document.section(section, progress)
    return bytes(document.output())


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
        self.set_text_shaping(True)
        self.simple_characters = _main_font_characters()
        self.report = report
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(False, margin=14)
        self.set_title(report.title)
        self.set_author(report.municipality)
        self.set_creator("Kooperationspartner-CRM")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        caption = f"{self.report.municipality} · {self.report.title}"
        if self.report.subtitle:
            caption += f" · {self.report.subtitle}"
        self.cell(0, 4, caption, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Seite {self.page_no()} von {{nb}}", align="R")

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
        from crm.reports.charts import chart_of  # matplotlib loads only when drawn

        chart = chart_of(section)
        needed = 8 + (CHART_HEIGHT if chart else 0) + (SECTION_START_ROOM if section.rows else 6)
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
        if chart:
            self.image(chart, x=self.l_margin, h=CHART_HEIGHT - 4)
            self.ln(2)
        if section.block_columns:
            self._blocks(section, progress)
            return
        table = _Table(self, section.columns)
        table.header()
        for row in rows_of(section, progress):
            table.row([as_text(value) for value in row])
        table.close()

    def _blocks(self, section: Section, progress: Progress | None) -> None:
        """One block per record: its first column as a heading, its other leading columns
        in a line beneath, then its rows' remaining columns as a table."""
        leading = section.block_columns
        table = _Table(self, section.columns[leading:])
        current = None
        for row in rows_of(section, progress):
            if row[:leading] != current:
                if current is not None:
                    table.close()
                    self.ln(2)
                current = row[:leading]
                self._block_heading(section.columns[:leading], current)
                table.header()
            if any(value is not None for value in row[leading:]):
                table.row([as_text(value) for value in row[leading:]])
        if current is not None:
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
        self.set_fill_color(*BLOCK_FILL)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 5.5, name, fill=True, new_x="LMARGIN", new_y="NEXT")
        if facts:
            self.set_font(FONT, "", FONT_SIZE)
            self.multi_cell(0, LINE_HEIGHT, facts, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


class _Table:
    """A table drawn row by row: text, a rule under each row, and the column rules of a
    page drawn once when the page is full (far fewer drawing operations than boxes)."""

    def __init__(self, document: _Document, columns: list[Column]):
        self.document = document
        self.columns = columns
        total = sum(column.width for column in columns)
        self.left = document.l_margin
        self.right = document.w - document.r_margin
        self.widths = [(self.right - self.left) * column.width / total for column in columns]
        self.top = document.get_y()
        self._measured: dict[tuple[str, str], float] = {}

    def header(self) -> None:
        self.top = self.document.get_y()
        self.document.set_font(FONT, "B", FONT_SIZE)
        titles = [column.title for column in self.columns]
        self._draw([self._wrap(t, w) for t, w in zip(titles, self.widths, strict=True)], fill=True)
        self.document.set_font(FONT, "", FONT_SIZE)

    def row(self, texts: list[str]) -> None:
        cells = [self._wrap(text, width) for text, width in zip(texts, self.widths, strict=True)]
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

    def _wrap(self, text: str, width: float) -> list[str]:
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
                    *pieces, line = self._break(word, room)
                    lines.extend(pieces)
                    line_width = self._measure(line)
            lines.append(line)
        return lines

    def _break(self, word: str, room: float) -> list[str]:
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
        document = self.document
        font = document.current_font
        key = (font.fontkey, text)
        width = self._measured.get(key)
        if width is None:
            if document.is_simple(text):
                width = sum(font.cw[ord(c)] for c in text) / 1000
            else:
                width = document.get_string_width(text) / document.font_size
            self._measured[key] = width
        return width * document.font_size

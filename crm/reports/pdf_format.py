"""PDF: a title page with the municipality's name, then each section as a table whose
header row repeats on every page it runs onto.

fpdf2 with its built-in Helvetica needs no system library and no font file; it covers
Windows-1252 (German, most of Western Europe). Other letters are shown by their base
letter where there is one (ł -> l), else as "?". Rows are laid out by hand, measuring
text with the font's width table: fpdf2's own table layout is too slow for 1,000 rows.
"""

import unicodedata

from fpdf import FPDF

from crm.reports.report import Column, Progress, Report, Section, as_text, rows_of

FONT = "Helvetica"
FONT_SIZE = 8
LINE_HEIGHT = 3.6
PADDING = 1.0
HEADER_FILL = (225, 225, 225)
NO_BASE_LETTER = str.maketrans({"Ł": "L", "ł": "l", "\u0131": "i", "Đ": "D", "đ": "d", "ẞ": "SS"})


def render_pdf(report: Report, *, progress: Progress | None = None, **_options) -> bytes:
    document = _Document(report)
    document.title_page()
    for section in report.sections:
        document.section(section, progress)
    return bytes(document.output())


def printable(text: str) -> str:
    """`text` in the characters the built-in font has."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        text = unicodedata.normalize("NFC", text).translate(NO_BASE_LETTER)
        return "".join(_printable_character(c) for c in text)


def _printable_character(character: str) -> str:
    for candidate in (character, unicodedata.normalize("NFKD", character)[:1]):
        try:
            candidate.encode("cp1252")
            return candidate
        except UnicodeEncodeError:
            continue
    return "?"


class _Document(FPDF):
    def __init__(self, report: Report):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.report = report
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(False, margin=14)
        self.set_title(printable(report.title))
        self.set_author(printable(report.municipality))
        self.set_creator("Kooperationspartner-CRM")

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-10)
        self.set_font(FONT, size=7)
        caption = f"{self.report.municipality} · {self.report.title}"
        self.cell(0, 4, printable(caption), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Seite {self.page_no()} von {{nb}}", align="R")

    def texts(self, texts: list[tuple[float, float, str]]) -> None:
        """Strings at their places, as one drawing operation: what `text()` does for each,
        without its per-call overhead (fpdf2 has no public way to batch them)."""
        if not texts:
            return
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        k, height, font = self.k, self.h, self.current_font
        self._out(
            " ".join(
                f"BT {x * k:.2f} {(height - y) * k:.2f} Td "
                f"{font.encode_text(self.normalize_text(text))} ET"
                for x, y, text in texts
            )
        )

    def title_page(self) -> None:
        report = self.report
        self.add_page()
        self.set_y(50)
        self._line(report.municipality, 16, "")
        self._line(report.title, 24, "B", gap=4)
        if report.subtitle:
            self._line(report.subtitle, 16, "")
        self.ln(10)
        for parameter in report.parameters:
            self._line(f"{parameter.label}: {as_text(parameter.value)}", 11, "")
        self._line(f"Erstellt am {as_text(report.generated_at)}", 11, "")

    def _line(self, text: str, size: int, style: str, gap: float = 2) -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def section(self, section: Section, progress: Progress | None) -> None:
        self.add_page()
        self.set_font(FONT, "B", 13)
        self.cell(0, 8, printable(section.title), new_x="LMARGIN", new_y="NEXT")
        table = _Table(self, section.columns)
        table.header()
        if not section.rows:
            self.set_font(FONT, "", FONT_SIZE)
            self.cell(0, 6, "Keine Einträge.", new_x="LMARGIN", new_y="NEXT")
        for row in rows_of(section, progress):
            table.row([printable(as_text(value)) for value in row])
        table.close()


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
        titles = [printable(column.title) for column in self.columns]
        self._draw([self._wrap(t, w) for t, w in zip(titles, self.widths, strict=True)], fill=True)
        self.document.set_font(FONT, "", FONT_SIZE)

    def row(self, texts: list[str]) -> None:
        cells = [self._wrap(text, width) for text, width in zip(texts, self.widths, strict=True)]
        if not self._fits(self._height(cells)) and self._height(cells) <= self._page_room():
            self._new_page()
        # A row taller than a page continues on the next one.
        while not self._fits(self._height(cells)):
            lines = max(1, int((self._room() - 2 * PADDING) / LINE_HEIGHT))
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

    def _room(self) -> float:
        return self.document.h - self.document.b_margin - self.document.get_y()

    def _page_room(self) -> float:
        return self.document.h - self.document.b_margin - self.document.t_margin - 12

    def _fits(self, height: float) -> bool:
        return height <= self._room()

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
        """Lines of `text` that fit `width`, broken at spaces, or inside a word too long."""
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
        font = self.document.current_font
        key = (font.fontkey, text)
        width = self._measured.get(key)
        if width is None:
            encoded = text.encode("cp1252").decode("latin-1")
            width = self._measured[key] = sum(map(font.cw.__getitem__, encoded)) / 1000
        return width * self.document.font_size

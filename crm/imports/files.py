"""Reading an uploaded list: CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
Windows-1252) and XLSX, row by row, in bounded memory.

Whatever the file claims to be, it is checked before a row is imported: a CSV must be
text (no NUL or other control bytes), an XLSX a zip whose parts are a workbook
(crm.imports.xlsx). Then the whole file is read once, with every limit of
`crm.imports.limits` counted as it streams, so that a file over one is refused before
any row is written, as soon as the reading crosses it; only then are the rows read
again for the import.
"""

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from crm.errors import InvalidInput, UnsupportedMediaType
from crm.imports.limits import CELL_CHARACTERS, CELLS, COLUMNS, ROW_BYTES, ROWS
from crm.imports.xlsx import DAMAGED, Damaged, Workbook, column_letters

Cell = str | int | float | bool | date | datetime | None
Rows = Iterator[tuple[int, list[Cell]]]

CHUNK = 64 * 1024
# Bytes that never occur in a text file: C0 controls other than tab, line feed, form
# feed and carriage return.
BINARY_BYTES = frozenset(range(32)) - {9, 10, 12, 13}
ZIP_MAGIC = b"PK\x03\x04"
UTF_16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass
class Sheet:
    """The header and an iterator over the data rows (the row number as a spreadsheet
    shows it, and the cells); `count`: how many rows with a value it has."""

    headers: list[str]
    rows: Rows
    count: int = 0


def unreadable(reason: str) -> InvalidInput:
    return InvalidInput(f"The file cannot be imported: {reason}", errors={"file": [reason]})


def read_sheet(stream: IO[bytes], file_name: str) -> Sheet:
    """The first sheet of an XLSX, or the rows of a CSV, decided by the content; read
    through once, within the limits, before its rows are handed out."""
    read = _reader(stream, file_name)
    count = sum(1 for _ in read().rows)
    sheet = read()
    sheet.count = count
    return sheet


def _reader(stream: IO[bytes], file_name: str) -> Callable[[], Sheet]:
    """What reads the file from its start, every time it is called."""
    start = stream.read(len(ZIP_MAGIC))
    stream.seek(0)
    if start == ZIP_MAGIC:
        try:
            workbook = Workbook(stream)
        except DAMAGED as error:
            raise _damaged(error) from None
        return lambda: _xlsx(workbook)
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise UnsupportedMediaType(
            "Only CSV and XLSX (Excel 2007 and later) can be imported; save the file as one.",
            errors={"file": ["Not an XLSX workbook."]},
        )
    encoding = _text_encoding(stream)
    return lambda: _csv(stream, encoding)


def _damaged(error: Exception) -> InvalidInput:
    detail = f": {error}" if isinstance(error, Damaged) else ""
    return unreadable(f"It is not a readable XLSX workbook ({type(error).__name__}{detail}).")


def _xlsx(workbook: Workbook) -> Sheet:
    rows = _damaged_rows(workbook.rows())
    first = next(rows, None)
    if first is None or first[0] != 1:  # no header: the mapping will say what is missing
        headers, rows = [], _chained(first, rows) if first else rows
    else:
        headers = ["" if cell is None else str(cell) for cell in first[1]]
    return Sheet(headers, rows)


def _damaged_rows(rows: Rows) -> Rows:
    try:
        yield from rows
    except DAMAGED as error:
        raise _damaged(error) from None


def _csv(stream: IO[bytes], encoding: str) -> Sheet:
    stream.seek(0)
    lines = _Lines(stream, encoding)
    reader = csv.reader(lines, delimiter=lines.delimiter())
    rows = _csv_rows(reader, lines)
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise unreadable("The file is empty; the first row must name the columns.")
    return Sheet(first[1], rows)


def _text_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as such, else Windows-1252;
    refused when it holds bytes no text file holds."""
    if stream.read(2) in UTF_16_MARKS:
        raise unreadable("It is UTF-16 text; save it as CSV in UTF-8 or Windows-1252.")
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    while chunk := stream.read(CHUNK):
        if not BINARY_BYTES.isdisjoint(chunk):
            raise unreadable("It is not a text file (it holds binary data); send CSV or XLSX.")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(0)
    if utf8:
        return "utf-8-sig"
    _check_windows_1252(stream)
    return "cp1252"


def _check_windows_1252(stream: IO[bytes]) -> None:
    try:
        while chunk := stream.read(CHUNK):
            chunk.decode("cp1252")
    except UnicodeDecodeError:
        raise unreadable("It is neither UTF-8 nor Windows-1252 text.") from None
    stream.seek(0)


class _Lines:
    """The decoded lines of a CSV for `csv.reader`, counted: no row, with the line
    breaks inside its quoted cells, may be longer than `ROW_BYTES` (a line feed byte is
    one in UTF-8 and in Windows-1252 alike, so lines are split before decoding)."""

    def __init__(self, stream: IO[bytes], encoding: str):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.number = 0
        self.row_bytes = 0  # of the row being read; reset by whoever reads the rows

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.stream.readline(ROW_BYTES.maximum + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self.row_bytes += len(line)
        if self.row_bytes > ROW_BYTES.maximum:
            raise ROW_BYTES.crossed(row=self.number)
        return self.decoder.decode(line)

    def delimiter(self) -> str:
        """The one of `;`, `,` and tab the first line holds most of."""
        first = self.stream.readline(ROW_BYTES.maximum + 1)
        self.stream.seek(0)
        return max(";,\t", key=lambda delimiter: first.count(delimiter.encode()))


def _csv_rows(reader, lines: _Lines) -> Rows:
    """The header's and every later row with a value; each limit checked row by row."""
    cells = 0
    for number, row in enumerate(_records(reader), start=1):
        lines.row_bytes = 0
        if number - 1 > ROWS.maximum:
            raise ROWS.crossed(row=reader.line_num)
        cells += len(row)
        if cells > CELLS.maximum:
            raise CELLS.crossed(row=reader.line_num)
        if len(row) > COLUMNS.maximum:
            raise COLUMNS.crossed(row=reader.line_num, column=column_letters(COLUMNS.maximum + 1))
        longest = max(row, key=len, default="")
        if len(longest) > CELL_CHARACTERS.maximum:
            column = column_letters(row.index(longest) + 1)
            raise CELL_CHARACTERS.crossed(row=reader.line_num, column=column)
        if number == 1 or any(cell.strip() for cell in row):
            yield (1 if number == 1 else reader.line_num), row


def _records(reader) -> Iterator[list[str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field limit" in str(error):  # longer than csv.field_size_limit()
                raise CELL_CHARACTERS.crossed(row=reader.line_num) from None
            raise unreadable(f"Line {reader.line_num} is not valid CSV ({error}).") from None
        yield row


def _chained(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest

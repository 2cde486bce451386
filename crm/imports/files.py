"""Reading an uploaded list: CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
Windows-1252) and XLSX, row by row, in bounded memory.

Whatever the file claims to be, it is checked before it is read: a CSV must be text (no
NUL or other control bytes, every line shorter than `MAX_LINE`), an XLSX's zip directory
must promise no more than `MAX_UNPACKED` bytes (a zip bomb is refused before anything is
unpacked; unpacking stops at the promised size), and no file may hold more than
`MAX_ROWS` rows or `MAX_COLUMNS` columns. XML in an XLSX is parsed by defusedxml
(openpyxl uses it when installed), so entity expansion is refused too.
"""

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO
from xml.etree.ElementTree import ParseError

from crm.errors import InvalidInput, UnsupportedMediaType

Cell = str | int | float | bool | date | datetime | None

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_LINE = 64 * 1024
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
CHUNK = 64 * 1024
# Bytes that never occur in a text file: C0 controls other than tab, line feed, form
# feed and carriage return.
BINARY_BYTES = frozenset(range(32)) - {9, 10, 12, 13}
ZIP_MAGIC = b"PK\x03\x04"
UTF_16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass
class Sheet:
    """The header and an iterator over the data rows (the row number as a spreadsheet
    shows it, and the cells)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]


def unreadable(reason: str) -> InvalidInput:
    return InvalidInput(f"The file cannot be imported: {reason}", errors={"file": [reason]})


def read_sheet(stream: IO[bytes], file_name: str) -> Sheet:
    """The first sheet of an XLSX, or the rows of a CSV, decided by the content."""
    start = stream.read(len(ZIP_MAGIC))
    stream.seek(0)
    name = file_name.lower()
    if start == ZIP_MAGIC:
        return _xlsx(stream)
    if name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise UnsupportedMediaType(
            "Only CSV and XLSX (Excel 2007 and later) can be imported; save the file as one.",
            errors={"file": ["Not an XLSX workbook."]},
        )
    return _csv(stream)


def _csv(stream: IO[bytes]) -> Sheet:
    lines = _bounded_lines(stream, _text_encoding(stream))
    first = next(lines, "")
    if not first.strip():
        raise unreadable("The file is empty; the first row must name the columns.")
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(_chained(first, lines), delimiter=delimiter)
    headers = _checked_width(_read(reader), 1)
    return Sheet(headers, _csv_rows(reader))


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


def _bounded_lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """The decoded lines, none longer than `MAX_LINE` bytes. A line feed byte is a line
    feed in UTF-8 and in Windows-1252 alike, so lines can be split before decoding."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    while line := stream.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise unreadable(f"Line {number} is longer than {MAX_LINE:,} bytes.")
        yield decoder.decode(line)


def _chained(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _read(reader) -> list[str]:
    try:
        return next(reader, [])
    except csv.Error as error:
        raise unreadable(f"Line {reader.line_num} is not valid CSV ({error}).") from None


def _csv_rows(reader) -> Iterator[tuple[int, list[Cell]]]:
    count = 0
    while row := _read(reader):
        count += 1
        if count > MAX_ROWS:
            raise unreadable(f"It has more than {MAX_ROWS:,} rows; split it.")
        yield reader.line_num, _checked_width(row, reader.line_num)


def _checked_width(row: list, number: int) -> list:
    if len(row) > MAX_COLUMNS:
        raise unreadable(f"Row {number} has more than {MAX_COLUMNS} columns.")
    return row


def _xlsx(stream: IO[bytes]) -> Sheet:
    _check_zip(stream)
    from openpyxl import load_workbook  # imported when needed: it takes a while to load

    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
        rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        headers = list(next(rows, ()))
    except Exception as error:  # openpyxl raises anything from KeyError to XML errors
        raise unreadable(f"It is not a readable XLSX workbook ({type(error).__name__}).") from None
    while headers and headers[-1] is None:
        headers.pop()
    return Sheet(
        [str(h) if h is not None else "" for h in _checked_width(headers, 1)],
        _xlsx_rows(rows, len(headers)),
    )


def _check_zip(stream: IO[bytes]) -> None:
    """Refuse a zip bomb from its directory alone, before unpacking anything."""
    try:
        entries = zipfile.ZipFile(stream).infolist()
    except zipfile.BadZipFile:
        raise unreadable("It is not a valid XLSX workbook (a damaged zip file).") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise unreadable(f"The workbook holds more than {MAX_ZIP_ENTRIES:,} parts.")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED:
        raise unreadable(
            f"The workbook would unpack to {unpacked:,} bytes, more than {MAX_UNPACKED:,}."
        )
    stream.seek(0)


def _xlsx_rows(rows: Iterator[tuple], width: int) -> Iterator[tuple[int, list[Cell]]]:
    try:
        for number, row in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise unreadable(f"It has more than {MAX_ROWS:,} rows; split it.")
            cells = list(row)
            while len(cells) > width and cells[-1] is None:
                cells.pop()
            if any(cell is not None for cell in cells):
                yield number, _checked_width(cells, number)
    except (zipfile.BadZipFile, zlib.error, ParseError, EOFError, ValueError, KeyError) as error:
        raise unreadable(f"The workbook is damaged ({type(error).__name__}).") from None

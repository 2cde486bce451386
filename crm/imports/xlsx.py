"""The first sheet of an XLSX workbook, read as it unpacks, within the limits of
`crm.imports.limits`.

Why not openpyxl's reader: even in read-only mode it reads every shared string into a
list when it opens the workbook, and each row's cells into a list of dictionaries
before its caller sees the row, so a limit could only be checked once that work was
done (a 100 KB file made it 57 s and 430 MB). Here every XML part is unpacked a chunk
at a time and parsed by expat as it comes: the bytes unpacked, the XML's nesting and
the size of each tag are counted as they are read, shared strings are kept as UTF-8 in
one buffer, and a row holds no more than the cells with a value it may have. Whatever
crosses a limit is refused at once, naming the limit, the sheet, the row and the column.
A DOCTYPE (and with it any entity) is refused: no workbook part has one.

What a cell gives is what openpyxl gave: text, int, float, bool, a datetime for
numbers in a date format, "=..." for a formula (which crm.imports.values refuses).
"""

import posixpath
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from functools import lru_cache
from typing import IO
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from crm.imports.limits import (
    CELL_CHARACTERS,
    CELLS,
    COLUMNS,
    ROWS,
    SHARED_STRING_BYTES,
    SHARED_STRINGS,
    STYLES,
    UNPACKED_BYTES,
    XML_DEPTH,
    XML_TOKEN_BYTES,
    ZIP_PARTS,
)

CHUNK = 64 * 1024
OFFICE_DOCUMENT = "/officeDocument"
SHARED_STRINGS_TYPE = "/sharedStrings"
STYLES_TYPE = "/styles"
# Number formats of a style: not a date, a date, a duration ("[h]:mm").
NUMBER, DATE, DURATION = 0, 1, 2
# What damaged zip and XML data raise while it is read.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    OverflowError,
    RuntimeError,  # an encrypted part
    NotImplementedError,  # a compression method zipfile does not know
)


class Damaged(ValueError):
    """A workbook that is not what its parts say (a missing part, a row out of order)."""


def column_letters(number: int) -> str:
    """3 -> "C", 27 -> "AA"."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Every column a cell reference may name, A to XFD.
COLUMN_NUMBERS = {column_letters(number): number for number in range(1, 16_385)}


def column_number(reference: str) -> int:
    """The column of a cell reference: "AA12" -> 27."""
    number = COLUMN_NUMBERS.get(reference.rstrip("0123456789"))
    if number is None:
        raise Damaged(f"a cell reference '{reference[:20]}'")
    return number


class Workbook:
    """An XLSX's first sheet, with what reading its cells needs: the shared strings and
    which styles are dates. `rows()` reads the sheet from its start, every time."""

    def __init__(self, stream: IO[bytes]):
        self.archive = zipfile.ZipFile(stream)
        self.unpacked = 0
        parts = self.archive.infolist()
        if len(parts) > ZIP_PARTS.maximum:
            raise ZIP_PARTS.crossed()
        promised = sum(part.file_size for part in parts)
        if promised > UNPACKED_BYTES.maximum:  # a zip bomb, refused before unpacking
            raise UNPACKED_BYTES.crossed(part="(all, as the zip's directory says)")
        workbook = self._related("", OFFICE_DOCUMENT)
        if workbook is None:
            raise Damaged("no workbook part")
        self.sheet_name, self.sheet_part, self.epoch = self._first_sheet(workbook)
        parts_of_workbook = self._relationships(workbook)
        strings = self._related(workbook, SHARED_STRINGS_TYPE, parts_of_workbook)
        styles = self._related(workbook, STYLES_TYPE, parts_of_workbook)
        self.strings = self._read(strings, SharedStrings()) if strings else SharedStrings()
        self.formats = self._read(styles, Styles()).formats if styles else bytearray()
        self.unpacked_before_sheet = self.unpacked

    def rows(self) -> Iterator[tuple[int, list]]:
        """The rows with a value, numbered as the spreadsheet numbers them."""
        self.unpacked = self.unpacked_before_sheet
        sheet = Sheet(self)
        for _ in self._parsed(self.sheet_part, sheet):
            yield from sheet.complete
            sheet.complete.clear()

    def _read(self, name: str, part: "Part"):
        for _ in self._parsed(name, part):
            pass
        return part

    def _parsed(self, name: str, part: "Part") -> Iterator[None]:
        """Feeds the part to expat a chunk at a time; yields after each chunk, so that
        the caller can pass on what the part's handlers collected."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.StartElementHandler = part.start
        parser.EndElementHandler = part.end
        parser.CharacterDataHandler = part.characters
        # Reported so that the parser's position moves past them (see below).
        parser.CommentHandler = parser.ProcessingInstructionHandler = _ignored
        part.name = name
        fed = 0
        with self.archive.open(name) as member:
            while chunk := member.read(CHUNK):
                fed += len(chunk)
                self.unpacked += len(chunk)
                if self.unpacked > UNPACKED_BYTES.maximum:
                    raise UNPACKED_BYTES.crossed(part=name)
                parser.Parse(chunk, False)
                # The position of the last event: what lies beyond it is one tag (or
                # comment) that expat keeps in memory until it ends.
                if fed - parser.CurrentByteIndex > XML_TOKEN_BYTES.maximum:
                    raise XML_TOKEN_BYTES.crossed(part=name)
                yield
        parser.Parse(b"", True)
        yield

    def _first_sheet(self, workbook: str) -> tuple[str, str, object]:
        found = self._read(workbook, WorkbookPart())
        if found.sheet_id is None:
            raise Damaged("no sheet")
        target = self._relationships(workbook).get(found.sheet_id)
        if target is None:
            raise Damaged("no sheet part")
        return found.sheet_name, target[1], MAC_EPOCH if found.date1904 else WINDOWS_EPOCH

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships by id: (type, the related part's name)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels not in self.archive.NameToInfo:
            return {}
        found = self._read(rels, Relationships()).found
        return {id_: (type_, _resolved(folder, target)) for id_, (type_, target) in found.items()}

    def _related(self, part: str, type_: str, relationships: dict | None = None) -> str | None:
        if relationships is None:
            relationships = self._relationships(part)
        for kind, target in relationships.values():
            if kind.endswith(type_) and target in self.archive.NameToInfo:
                return target
        return None


def _resolved(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def _no_doctype(*_args) -> None:
    raise Damaged("an XML part declares a DOCTYPE")


def _ignored(*_args) -> None:
    pass


class Part:
    """expat's handlers for one XML part: elements by their local name, the nesting
    counted, text collected where `self.text` is a list."""

    name = ""

    def __init__(self):
        self.depth = 0
        self.text: list[str] | None = None
        self.length = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > XML_DEPTH.maximum:
            raise XML_DEPTH.crossed(part=self.name)
        self.opened(tag.rpartition(":")[2] if ":" in tag else tag, attributes)

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.closed(tag.rpartition(":")[2] if ":" in tag else tag)

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.length += len(data)
            if self.length > CELL_CHARACTERS.maximum:
                raise CELL_CHARACTERS.crossed(**self.where())
            self.text.append(data)

    def opened(self, name: str, attributes: dict[str, str]) -> None:
        pass

    def closed(self, name: str) -> None:
        pass

    def where(self) -> dict:
        return {"part": self.name}


class Relationships(Part):
    def __init__(self):
        super().__init__()
        self.found: dict[str, tuple[str, str]] = {}

    def opened(self, name, attributes):
        if name == "Relationship" and len(self.found) < ZIP_PARTS.maximum:
            self.found[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                attributes.get("Target", ""),
            )


class WorkbookPart(Part):
    def __init__(self):
        super().__init__()
        self.sheet_name = ""
        self.sheet_id: str | None = None
        self.date1904 = False

    def opened(self, name, attributes):
        if name == "sheet" and self.sheet_id is None:
            self.sheet_name = attributes.get("name", "")[:100]
            self.sheet_id = next((v for k, v in attributes.items() if k.endswith(":id")), None)
        elif name == "workbookPr":
            self.date1904 = attributes.get("date1904", "0").lower() in ("1", "true")


class Styles(Part):
    """Which cell styles (`s="3"`) format numbers as dates or durations: one byte each."""

    def __init__(self):
        super().__init__()
        self.custom: dict[int, str] = {}
        self.formats = bytearray()
        self.in_cell_styles = False

    def opened(self, name, attributes):
        if name == "numFmt":
            if len(self.custom) == STYLES.maximum:
                raise STYLES.crossed(part=self.name)
            self.custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_styles = True
        elif name == "xf" and self.in_cell_styles:
            if len(self.formats) == STYLES.maximum:
                raise STYLES.crossed(part=self.name)
            number_format = int(attributes.get("numFmtId", "0"))
            code = self.custom.get(number_format, BUILTIN_FORMATS.get(number_format))
            self.formats.append(_number_format(code))

    def closed(self, name):
        if name == "cellXfs":
            self.in_cell_styles = False


@lru_cache(maxsize=1024)
def _number_format(code: str | None) -> int:
    if is_timedelta_format(code):
        return DURATION
    return DATE if is_date_format(code) else NUMBER


class SharedStrings(Part):
    """The workbook's shared strings, as UTF-8 in one buffer: `strings[3]`."""

    def __init__(self):
        super().__init__()
        self.data = bytearray()
        self.ends = array("Q")
        self.parts: list[str] = []
        self.phonetic = False

    def __getitem__(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.data[start : self.ends[index]].decode()

    def opened(self, name, attributes):
        if name == "si":
            if len(self.ends) == SHARED_STRINGS.maximum:
                raise SHARED_STRINGS.crossed(part=self.name)
            self.parts, self.length = [], 0
        elif name == "t" and not self.phonetic:
            self.text = self.parts
        elif name == "rPh":
            self.phonetic = True

    def closed(self, name):
        if name == "t":
            self.text = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "si":
            self.data += "".join(self.parts).encode()
            if len(self.data) > SHARED_STRING_BYTES.maximum:
                raise SHARED_STRING_BYTES.crossed(part=self.name)
            self.ends.append(len(self.data))

    def where(self):
        return {"part": self.name, "shared_string": len(self.ends) + 1}


class Sheet(Part):
    """A sheet's rows: each complete row with a value goes to `complete` as (its number,
    its cells from column A on, None where empty)."""

    def __init__(self, workbook: Workbook):
        super().__init__()
        self.workbook = workbook
        self.complete: list[tuple[int, list]] = []
        self.row = 0  # the number of the row being read
        self.values: dict[int, object] = {}
        self.cells = 0
        self.column = 0
        self.cell_type = "n"
        self.style = 0
        self.value: list[str] | None = None
        self.formula: list[str] | None = None
        self.inline: list[str] | None = None
        self.phonetic = False

    def opened(self, name, attributes):
        if name == "c":
            self.cells += 1
            if self.cells > CELLS.maximum:
                raise CELLS.crossed(sheet=self.workbook.sheet_name, row=self.row)
            reference = attributes.get("r")
            self.column = column_number(reference) if reference else self.column + 1
            self.cell_type = attributes.get("t", "n")
            self.style = int(attributes.get("s", 0))
            self.value = self.formula = self.inline = None
            self.length = 0
        elif name == "v":
            self.text = self.value = []
        elif name == "row":
            self._start_row(attributes.get("r"))
        elif name == "f":
            self.text = self.formula = []
        elif name == "is":
            self.inline = []
        elif name == "t" and self.inline is not None and not self.phonetic:
            self.text = self.inline
        elif name == "rPh":
            self.phonetic = True

    def closed(self, name):
        if name in ("v", "f", "t"):
            self.text = None
        elif name == "c":
            value = self._value()
            if value is not None:
                if self.column > COLUMNS.maximum:
                    raise COLUMNS.crossed(**self.where())
                self.values[self.column] = value
        elif name == "row":
            if self.values:
                last = max(self.values)
                cells = [self.values.get(column) for column in range(1, last + 1)]
                self.complete.append((self.row, cells))
                self.values = {}
        elif name == "rPh":
            self.phonetic = False

    def _start_row(self, number: str | None) -> None:
        row = int(number) if number else self.row + 1
        if row <= self.row:
            raise Damaged(f"row {row} follows row {self.row}")
        if row - 1 > ROWS.maximum:
            raise ROWS.crossed(sheet=self.workbook.sheet_name, row=row)
        self.row, self.column, self.values = row, 0, {}

    def _value(self):
        if self.formula is not None:
            return "=" + "".join(self.formula)
        if self.inline is not None:
            return "".join(self.inline)
        if not self.value:
            return None
        text = "".join(self.value)
        kind = self.cell_type
        if kind == "s":
            return self.workbook.strings[int(text)]
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            formats = self.workbook.formats
            number_format = formats[self.style] if self.style < len(formats) else NUMBER
            if number_format == NUMBER:
                return number
            try:
                return from_excel(number, self.workbook.epoch, timedelta=number_format == DURATION)
            except (OverflowError, ValueError):  # no date: the number as it stands
                return number
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's result), "e" (an error such as #N/A)

    def where(self):
        return {
            "sheet": self.workbook.sheet_name,
            "row": self.row,
            "column": column_letters(self.column),
        }

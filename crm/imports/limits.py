"""What an uploaded list may hold, in one place; each limit is checked while the file
streams, so that a file over one is refused as soon as it crosses it.

A small file can unpack to a lot of work: a 100 KB XLSX whose shared strings fill two
million cells, or one row with a million cells. Counting what the directory of a zip
promises is not enough; these limits count what is actually read: the bytes unpacked
from each part, the shared strings and their size, rows, columns, cells, characters per
cell and, for CSV, bytes per row. Together they bound an import's memory (well under
100 MB above the worker's own) and the time the reading takes; the import of the rows
is bounded by `ROWS`. The README's import section lists them; bench/hostile.py shows
what they hold against hostile files.

A file over a limit is a 422 whose problem names the limit (`limit`, `maximum`) and
where the file crossed it (`sheet`, `row`, `column`, or `part` of the workbook).
"""

from dataclasses import dataclass

from crm.errors import InvalidInput


class LimitExceeded(InvalidInput):
    title = "Import limit exceeded"
    type = "urn:crm:problem:import-limit-exceeded"


@dataclass
class Limit:
    name: str  # as the problem names it
    maximum: int
    what: str  # "rows below the header": what is counted

    def crossed(self, **where: str | int) -> LimitExceeded:
        """The problem for a file that holds more than `maximum`, `where` it did."""
        place = ", ".join(f"{key} {value}" for key, value in where.items())
        reason = f"It holds more than {self.maximum:,} {self.what}" + (
            f" ({place})." if place else "."
        )
        return LimitExceeded(
            f"The file cannot be imported: {reason}",
            errors={"file": [reason]},
            limit=self.name,
            maximum=self.maximum,
            **where,
        )


ROWS = Limit("rows", 100_000, "rows below the header")
COLUMNS = Limit("columns", 200, "columns")
CELLS = Limit("cells", 1_000_000, "cells in all (empty cells of an XLSX included)")
CELL_CHARACTERS = Limit("cell_characters", 32_767, "characters in one cell")
ROW_BYTES = Limit("row_bytes", 1024 * 1024, "bytes in one row of a CSV")
UNPACKED_BYTES = Limit("unpacked_bytes", 100 * 1024 * 1024, "bytes unpacked from an XLSX")
ZIP_PARTS = Limit("zip_parts", 1_000, "parts in an XLSX")
SHARED_STRINGS = Limit("shared_strings", 500_000, "shared strings")
SHARED_STRING_BYTES = Limit("shared_string_bytes", 32 * 1024 * 1024, "bytes of shared strings")
STYLES = Limit("styles", 64_000, "cell styles or number formats in an XLSX")
XML_DEPTH = Limit("xml_depth", 32, "levels of nested XML elements")
XML_TOKEN_BYTES = Limit("xml_token_bytes", 256 * 1024, "bytes in one XML tag or comment")

ALL = (
    ROWS,
    COLUMNS,
    CELLS,
    CELL_CHARACTERS,
    ROW_BYTES,
    UNPACKED_BYTES,
    ZIP_PARTS,
    SHARED_STRINGS,
    SHARED_STRING_BYTES,
    STYLES,
    XML_DEPTH,
    XML_TOKEN_BYTES,
)

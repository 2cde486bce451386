"""Benchmark: hostile uploads against the real server (issue 14, "tiny files, huge work").

    .venv/bin/python -m bench.hostile [--output bench/HOSTILE.md] [--only NAME ...]

Makes each file of the set below in a scratch folder, serves the API under gunicorn (one
sync worker, on loopback, SQLite in the scratch folder), sends each file to
`POST /api/v1/imports?resource=partners` and reports, for each, the answer (status and
the limit the problem names), the seconds to it, and the worker's memory: its resident
set before, its peak during the request (VmHWM, reset before each request through
/proc/<pid>/clear_refs) and what it kept afterwards. Two files just within every limit
(read to their end, then refused because no column names a field) show the longest
reading the limits allow; two lists that import (10,000 partners as CSV and as XLSX) what
an accepted file costs. Writes the table to `--output` and exits 1 when a hostile file is
accepted or answered with other than 4xx, or the others are not answered as expected.
"""

import argparse
import io
import json
import os
import signal
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.load import rss_mb
from bench.run import ROOT, api_key, serve, workers_of
from crm import schema

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MB = 1024 * 1024


def xlsx(
    sheet_data: Iterable[bytes],
    strings: Iterable[bytes] = (),
    prolog: bytes = b"",
    extra_parts: int = 0,
) -> bytes:
    """A minimal workbook: one sheet whose <sheetData> holds `sheet_data`, and the
    shared strings `strings` (each an <si>), both streamed into the zip; `prolog` before
    the sheet's root element, and `extra_parts` more parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            + "".join(
                f'<Override PartName="/xl/{name}.xml" ContentType="{SPREADSHEET}.{kind}+xml"/>'
                for name, kind in (
                    ("workbook", "sheet.main"),
                    ("worksheets/sheet1", "worksheet"),
                    ("sharedStrings", "sharedStrings"),
                )
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Tabelle1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="/xl/sharedStrings.xml"/>'
            "</Relationships>",
        )
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            _write(part, strings)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(prolog + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            _write(part, sheet_data)
            part.write(b"</sheetData></worksheet>")
        for number in range(extra_parts):
            archive.writestr(f"docProps/extra{number}.xml", "<x/>")
    return buffer.getvalue()


def _write(part, pieces: Iterable[bytes]) -> None:
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == 10_000:
            part.write(b"".join(batch))
            batch.clear()
    part.write(b"".join(batch))


def repeated(piece: bytes, times: int) -> Iterator[bytes]:
    chunk = piece * max(1, min(times, MB // len(piece)))
    per_chunk = chunk.count(piece)
    for _ in range(times // per_chunk):
        yield chunk
    yield piece * (times % per_chunk)


def rows(
    count: int, cell: bytes = b'<c t="s"><v>0</v></c>', header: bytes = HEADER
) -> Iterator[bytes]:
    yield header
    for number in range(2, count + 2):
        yield b'<row r="%d">%s</row>' % (number, cell)


def lying_directory(content: bytes, part: str, size: int) -> bytes:
    """The zip with `part`'s unpacked size given as `size` in its local header and in
    the central directory."""
    data = bytearray(content)
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(part)
    data[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
    entry = archive.start_dir
    for listed in archive.infolist():
        if listed.filename == part:
            data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
        name, extra, comment = (
            int.from_bytes(data[entry + offset : entry + offset + 2], "little")
            for offset in (28, 30, 32)
        )
        entry += 46 + name + extra + comment
    return bytes(data)


def csv_rows(header: str, row: str, count: int) -> bytes:
    return (header + "\r\n" + (row + "\r\n") * count).encode()


def partners_csv(count: int) -> bytes:
    lines = ["Name;Art;Sektor;PLZ;Ort"]
    lines += [f"Verein Nummer {n};Verein;extern;{10000 + n % 89999};Ort {n}" for n in range(count)]
    return "\r\n".join(lines).encode()


def partners_xlsx(count: int) -> bytes:
    """Partners other than `partners_csv`'s."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Name", "Art", "Sektor", "PLZ", "Ort"])
    for n in range(count):
        sheet.append([f"Stiftung Nummer {n}", "Verein", "extern", 10000 + n % 89999, f"Ort {n}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HOSTILE, WITHIN, LIST = "hostile", "within the limits", "a list"


@dataclass
class Case:
    name: str
    what: str
    make: Callable[[], bytes]
    file_name: str
    # HOSTILE: refused (4xx); WITHIN: read to its end, then refused for what it holds
    # (a 422 that names no limit); LIST: imported (201).
    kind: str = HOSTILE


NESTED = b"<x>" * 1_000_000 + b"</x>" * 1_000_000
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
CASES = [
    Case(
        "xlsx: shared-strings bomb (cells)",
        "2,000,000 cells, each the one shared string",
        lambda: xlsx(
            rows(10_000, b'<c t="s"><v>0</v></c>' * 200),
            [b"<si><t>Verein</t></si>"],
        ),
        "bomb.xlsx",
    ),
    Case(
        "xlsx: shared-strings bomb (strings)",
        "2,000,000 shared strings",
        lambda: xlsx(rows(1), repeated(b"<si><t>x</t></si>", 2_000_000)),
        "strings.xlsx",
    ),
    Case(
        "xlsx: one very wide row",
        "1,000,000 cells with a value in row 2",
        lambda: xlsx(
            [HEADER, b'<row r="2">', *repeated(b'<c t="s"><v>0</v></c>', 1_000_000), b"</row>"],
            [b"<si><t>x</t></si>"],
        ),
        "wide.xlsx",
    ),
    Case(
        "xlsx: one very wide empty row",
        "3,000,000 empty styled cells in row 2",
        lambda: xlsx([HEADER, b'<row r="2">', *repeated(b'<c s="1"/>', 3_000_000), b"</row>"]),
        "wide-empty.xlsx",
    ),
    Case(
        "xlsx: empty styled rows",
        "rows 2 to 1,048,576, empty, styled",
        lambda: xlsx(
            [HEADER]
            + [b'<row r="%d" s="1" customFormat="1"/>' % number for number in range(2, 1_048_577)]
        ),
        "styled.xlsx",
    ),
    Case(
        "xlsx: huge cell",
        "one inline string of 10,000,000 characters",
        lambda: xlsx(
            [
                HEADER,
                b'<row r="2"><c t="inlineStr"><is><t>',
                *repeated(b"x", 10_000_000),
                b"</t></is></c></row>",
            ]
        ),
        "cell.xlsx",
    ),
    Case(
        "xlsx: deeply nested XML",
        "1,000,000 nested elements in a cell",
        lambda: xlsx([HEADER, b'<row r="2"><c r="A2">', NESTED, b"</c></row>"]),
        "nested.xlsx",
    ),
    Case(
        "xlsx: huge tag",
        "one cell with a 50,000,000-byte attribute",
        lambda: xlsx([HEADER, b'<row r="2"><c r="A2" x="', *repeated(b"y", 50_000_000), b'"/>']),
        "tag.xlsx",
    ),
    Case(
        "xlsx: entity expansion",
        "a DOCTYPE with nested entities (billion laughs)",
        lambda: xlsx(
            [HEADER, b'<row r="2"><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'], prolog=LAUGHS
        ),
        "laughs.xlsx",
    ),
    Case(
        "xlsx: zip bomb, honest directory",
        "a sheet of 1,000,000,000 bytes",
        lambda: xlsx([HEADER, *repeated(b"<!---->", 1_000_000_000 // 7)]),
        "bomb-honest.xlsx",
    ),
    Case(
        "xlsx: zip bomb, lying directory",
        "90,000,000 bytes of sheet, 1,000 in the directory",
        lambda: lying_directory(
            xlsx([HEADER, *repeated(b"<!---->", 90_000_000 // 7)]), "xl/worksheets/sheet1.xml", 1000
        ),
        "bomb-lying.xlsx",
    ),
    Case(
        "xlsx: 100,001 rows",
        "100,001 rows below the header",
        lambda: xlsx(rows(100_001), [b"<si><t>Verein</t></si>"]),
        "rows.xlsx",
    ),
    Case(
        "csv: 10 MB field",
        "one quoted field of 10,000,000 bytes on one line",
        lambda: b'Name\r\n"' + b"x" * 10_000_000 + b'"\r\n',
        "field.csv",
    ),
    Case(
        "csv: 10 MB field over many lines",
        "one quoted field of 10,000,000 bytes in 100-byte lines",
        lambda: b'Name\r\n"' + (b"x" * 98 + b"\r\n") * 100_000 + b'"\r\n',
        "field-lines.csv",
    ),
    Case(
        "csv: 100,000 columns",
        "a header of 100,000 columns",
        lambda: csv_rows(";".join(f"c{n}" for n in range(100_000)), "x", 1),
        "columns.csv",
    ),
    Case(
        "csv: a row of 1,000,000 fields over many lines",
        "quoted line breaks as fields",
        lambda: b"Name\r\n" + b'"\r\n";' * 1_000_000 + b"x\r\n",
        "fields-lines.csv",
    ),
    Case(
        "csv: 100,001 rows",
        "100,001 rows below the header",
        lambda: csv_rows("Name;Ort", "Verein;Trier", 100_001),
        "rows.csv",
    ),
    Case(
        "csv: 3,000,000 cells",
        "20,000 rows of 150 empty fields",
        lambda: csv_rows("Name", ";" * 149, 20_000),
        "cells.csv",
    ),
    Case(
        "xlsx: just within every limit",
        "1,000,000 cells: a header and 99,999 rows of 10, no column the import knows",
        lambda: xlsx(
            rows(
                99_999,
                b'<c t="s"><v>0</v></c>' * 10,
                b'<row r="1">%s</row>' % (b'<c t="inlineStr"><is><t>Unbekannt</t></is></c>' * 10),
            ),
            [b"<si><t>Verein</t></si>"],
        ),
        "limits.xlsx",
        kind=WITHIN,
    ),
    Case(
        "csv: just within every limit",
        "1,000,000 cells: a header and 99,999 rows of 10, no column the import knows",
        lambda: csv_rows(";".join(["Unbekannt"] * 10), ";".join(["Verein"] * 10), 99_999),
        "limits.csv",
        kind=WITHIN,
    ),
    Case(
        "csv: 10,000 partners",
        "a list to import",
        lambda: partners_csv(10_000),
        "partners.csv",
        kind=LIST,
    ),
    Case(
        "xlsx: 10,000 partners",
        "a list to import (openpyxl)",
        lambda: partners_xlsx(10_000),
        "partners.xlsx",
        kind=LIST,
    ),
]


WARM_UP = [
    Case("warm-up", "", lambda: partners_csv(10), "warm.csv", kind=LIST),
    Case("warm-up", "", lambda: partners_xlsx(10), "warm.xlsx", kind=LIST),
]


@dataclass
class Result:
    case: Case
    size: int
    status: int
    answer: str
    seconds: float
    rss_before: float
    peak_growth: float
    kept_growth: float


def send(port: int, key: str, case: Case, content: bytes, worker: int) -> Result:
    boundary = "hostile-upload-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{case.file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/imports?resource=partners",
        data=body,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    before = rss_mb(worker)
    Path(f"/proc/{worker}/clear_refs").write_text("5")  # VmHWM := VmRSS
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    seconds = time.perf_counter() - started
    peak = _status_mb(worker, "VmHWM")
    return Result(
        case,
        len(content),
        status,
        _answer(status, payload),
        seconds,
        before,
        peak - before,
        rss_mb(worker) - before,
    )


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _answer(status: int, payload: bytes) -> str:
    try:
        body = json.loads(payload)
    except ValueError:
        return payload[:80].decode(errors="replace")
    if status < 300:
        return f"{body['counts']['created']:,} created"
    if "limit" in body:
        where = ", ".join(
            f"{key} {body[key]}" for key in ("part", "sheet", "row", "column") if key in body
        )
        return f"`{body['limit']}` ({where})" if where else f"`{body['limit']}`"
    return (body.get("errors", {}).get("file") or [body.get("detail", "")])[0][:90]


def markdown(results: list[Result], load: str) -> str:
    lines = [
        "# Hostile uploads (issue 14)",
        "",
        f"`python -m bench.hostile`, {time.strftime('%Y-%m-%d %H:%M')}, load {load}: each file "
        "sent to `POST /api/v1/imports?resource=partners` on gunicorn (one sync worker, "
        "loopback, SQLite). Memory is the worker's: its resident set before the request, "
        "its peak above that during the request (VmHWM), and what it kept afterwards.",
        "",
        "| file | size | status | answer: the limit and where, or what | seconds | RSS before MB "
        "| peak growth MB | kept MB |",
        "|---|---:|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.case.name}: {r.case.what} | {r.size / 1024:,.0f} KB | {r.status} "
            f"| {r.answer} | {r.seconds:.2f} | {r.rss_before:.0f} | {r.peak_growth:.0f} "
            f"| {r.kept_growth:.0f} |"
        )
    hostile = [r for r in results if r.case.kind == HOSTILE]
    if hostile:
        lines += [
            "",
            f"Hostile files: slowest answer {max(r.seconds for r in hostile):.2f} s, largest "
            f"peak growth {max(r.peak_growth for r in hostile):.0f} MB, largest growth kept "
            f"{max(r.kept_growth for r in hostile):.0f} MB.",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "HOSTILE.md")
    parser.add_argument("--only", nargs="*", help="cases whose name contains one of these")
    args = parser.parse_args()
    cases = [
        case for case in CASES if not args.only or any(part in case.name for part in args.only)
    ]
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'hostile.sqlite3'}"
        schema.upgrade(url)
        key = api_key(url)
        # One worker, which every request goes to; no timeout of gunicorn's, no recycling:
        # what is measured is the application's.
        options = ("--timeout", "900", "--max-requests", "0")
        process, port = serve("wsgi:app", url, 1, Path(scratch), options)
        try:
            worker = workers_of(process.pid)[0]
            for warm_up in WARM_UP:  # the worker loads what an import needs
                send(port, key, warm_up, warm_up.make(), worker)
            for case in cases:
                content = case.make()
                result = send(port, key, case, content, worker)
                results.append(result)
                print(
                    f"{case.name}: {result.status} {result.answer} in {result.seconds:.2f} s, "
                    f"peak +{result.peak_growth:.0f} MB, kept +{result.kept_growth:.0f} MB",
                    flush=True,
                )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    args.output.write_text(markdown(results, load))
    print(f"Wrote {args.output}")
    failed = [r for r in results if r.case.kind == HOSTILE and not 400 <= r.status < 500]
    failed += [r for r in results if r.case.kind == WITHIN and r.answer.startswith("`")]
    failed += [r for r in results if r.case.kind == LIST and r.status != 201]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the partner directory with 1,000 rows as PDF (target: under a second).

    .venv/bin/python -m bench.report_pdf [--rows 1000] [--repeat 5]

Loads 1,000 partners, each with one contact, into a scratch SQLite database, builds the
report once from the database, then renders it to PDF (and, for comparison, to XLSX and
CSV). Prints the best time of each; exits 1 when the PDF takes a second or more.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from crm import create_app, schema
from crm.database import db
from crm.models import Contact, Partner
from crm.models.enums import LegalBasis, Sector
from crm.models.export import ExportFormat
from crm.reports.formats import render
from crm.reports.register_reports import partner_directory_report

TARGET_SECONDS = 1.0


def _load(rows: int) -> None:
    for n in range(rows):
        partner = Partner(
            name=f"Jugendförderverein Straße der Einheit {n} e.V.",
            short_name=f"JFV {n}",
            kind="chamber",
            sector=Sector.external if n % 3 else Sector.internal,
            street=f"Gräfestraße {n}",
            postal_code="06110",
            town="Halle (Saale)",
            email=f"info{n}@example.org",
            phone="+49 345 1234-0",
        )
        db.session.add(partner)
        db.session.flush()
        db.session.add(
            Contact(
                given_name="Anna-Lena",
                family_name=f"Müller-Lüdenscheidt {n}",
                function="Koordination Bildung und Integration",
                partner_id=partner.id,
                email=f"anna{n}@example.org",
                phone="+49 345 1234-56",
                legal_basis=LegalBasis.public_task,
            )
        )
    db.session.commit()


def _best(action, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        schema.upgrade(url)
        app = create_app({"DATABASE_URL": url, "CRM_MUNICIPALITY_NAME": "Landkreis Wittenberg"})
        with app.app_context():
            _load(args.rows)
            build_seconds, report = _best(partner_directory_report, 1)
            print(f"report of {report.row_count} rows built in {build_seconds:.3f} s")
            timings = {}
            for file_format in (ExportFormat.pdf, ExportFormat.xlsx, ExportFormat.csv):
                seconds, content = _best(lambda f=file_format: render(report, f), args.repeat)
                timings[file_format] = seconds
                print(f"{file_format:>4}: {seconds:.3f} s, {len(content):,} bytes")
        db.dispose(app)
    verdict = "ok" if timings[ExportFormat.pdf] < TARGET_SECONDS else "TOO SLOW"
    print(f"PDF target {TARGET_SECONDS:.1f} s: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())

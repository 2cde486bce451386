"""Benchmark: the partner directory with 1,000 rows as PDF (target: under a second), and
a steering group's report with its charts.

    .venv/bin/python -m bench.report_pdf [--rows 1000] [--repeat 5]

Loads 1,000 partners, each with one contact, into a scratch SQLite database, builds the
directory once from the database, then renders it to PDF (and, for comparison, to XLSX and
CSV). Then a steering group of 30 of them with six meetings: its report built and rendered
to PDF, charts included (the first PDF of a process also loads matplotlib: timed apart).
Prints the best time of each; exits 1 when the directory's PDF takes a second or more.
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from crm import create_app, schema
from crm.database import db
from crm.models import Attendance, Contact, Meeting, Membership, Partner, SteeringGroup
from crm.models.enums import LegalBasis, MembershipRole, Sector, SteeringGroupKind
from crm.models.export import ExportFormat
from crm.models.meeting import AttendanceStatus, MeetingStatus
from crm.reports.formats import render
from crm.reports.group_report import group_report
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


def _load_group(members: int = 30, meetings: int = 6) -> SteeringGroup:
    group = SteeringGroup(
        name="Steuerungsgruppe Integration", kind=SteeringGroupKind.steering_group
    )
    db.session.add(group)
    db.session.flush()
    partners = db.session.query(Partner).order_by(Partner.name).limit(members).all()
    for partner in partners:
        db.session.add(
            Membership(
                steering_group_id=group.id,
                partner_id=partner.id,
                role=MembershipRole.member,
                start_date=date(2025, 1, 1),
            )
        )
    statuses = list(AttendanceStatus)
    for month in range(1, meetings + 1):
        meeting = Meeting(
            steering_group_id=group.id,
            starts_at=datetime(2026, month, 10, 9, tzinfo=UTC),
            place="Kreishaus",
            status=MeetingStatus.held if month < meetings else MeetingStatus.planned,
        )
        meeting.attendance = [
            Attendance(partner_id=p.id, status=statuses[(n + month) % 3])
            for n, p in enumerate(partners)
        ]
        db.session.add(meeting)
    db.session.commit()
    return group


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
            group = _load_group()
            build_seconds, report = _best(
                lambda: group_report(group, date(2026, 1, 1), date(2026, 6, 30)), 1
            )
            print(f"group report built in {build_seconds:.3f} s")
            first, _ = _best(lambda: render(report, ExportFormat.pdf), 1)
            seconds, content = _best(lambda: render(report, ExportFormat.pdf), args.repeat)
            print(
                f"group report pdf: first {first:.3f} s, then {seconds:.3f} s,"
                f" {len(content):,} bytes"
            )
        db.dispose(app)
    verdict = "ok" if timings[ExportFormat.pdf] < TARGET_SECONDS else "TOO SLOW"
    print(f"PDF target {TARGET_SECONDS:.1f} s: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())

"""Every PDF report of the demo data, read back by a real extractor (poppler's pdftotext):
names in every script come out exactly as stored, and the layout holds.

What is compared: pdftotext gives text in logical order (the order it is stored in), and
wraps each right-to-left run in directional marks (U+202A-U+202E), moving the space at
the run's edge inside it. So both sides are compared without those marks and without
whitespace; every letter, diacritic and its order must match (NFC, as stored).

The pages are also drawn as PNG (pdftoppm) into test-artifacts/reports/, for a person to
look at after `make test`; nothing there is committed.
"""

import os
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.demo import load_demo_data
from crm.models import Attendance, Membership, SteeringGroup
from crm.models.enums import AgreementStatus, Sector
from crm.models.export import ExportFormat
from crm.models.meeting import AttendanceStatus, MeetingStatus
from crm.reports.formats import render
from crm.reports.group_report import group_report
from crm.reports.register_reports import expiring_agreements_report, partner_directory_report
from crm.reports.report import as_text
from tests.factories import (
    make_agreement,
    make_contact,
    make_meeting,
    make_membership,
    make_partner,
    make_party,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
START, END = date(2026, 1, 1), date(2026, 6, 30)

# Partner and contact names in the scripts of the people this register is for.
NAMES = {
    "Turkish": ("Türkiye Kültür Derneği Şişli", "Ayşe Demirtaş-Çelik"),
    "Polish": ("Stowarzyszenie Łódź Źródło", "Małgorzata Żółkiewska"),
    "Serbian": ("Udruženje Đorđević Čačak", "Đorđe Šćepanović"),
    "Vietnamese": ("Hội Người Việt Đức Hưng Yên", "Nguyễn Thị Hồng Ánh"),
    "Cyrillic": ("Русский культурный центр", "Александра Иванова"),
    "Greek": ("Ελληνική Κοινότητα Βιτεμβέργης", "Σωκράτης Παπαδόπουλος"),
    "Arabic": ("Verein für arabische Kultur جمعية الثقافة العربية e.V.", "محمد عبدالله"),
    "Persian": ("Kulturverein خانه فرهنگ ایران Wittenberg", "مریم رستمی"),
    "Tigrinya": ("ማሕበር ኤርትራውያን Wittenberg", "ዮሃንስ ተስፋይ"),
}
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def needs(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{program} is needed (Debian's poppler-utils)")
        pytest.skip(f"{program} not installed (Debian's poppler-utils)")
    return found


def comparable(text: str) -> str:
    return "".join(BIDI_MARKS.sub("", unicodedata.normalize("NFC", text)).split())


def extracted(pdf: bytes) -> str:
    run = subprocess.run(
        [needs("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.decode()


def pages_as_png(pdf: bytes, name: str) -> int:
    """The pages under test-artifacts/reports/NAME-N.png; their number."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        [needs("pdftoppm"), "-r", "60", "-png", "-", str(ARTIFACTS / name)], input=pdf, check=True
    )
    return len(list(ARTIFACTS.glob(f"{name}-*.png")))


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def wittenberg(app, session):
    """The demo data, with meetings of the Wittenberg group held, planned and cancelled."""
    with app.app_context():
        load_demo_data(session)
        group = session.scalars(
            select(SteeringGroup).where(SteeringGroup.name.contains("Willkommen"))
        ).one()
        members = session.scalars(
            select(Membership.partner_id).where(Membership.steering_group_id == group.id)
        ).all()
        held = make_meeting(session, group, starts_at=at(date(2026, 3, 5)), place="Kreishaus")
        held.status = MeetingStatus.held
        for partner_id, status in zip(set(members), AttendanceStatus, strict=False):
            held.attendance.append(Attendance(partner_id=partner_id, status=status))
        make_meeting(session, group, starts_at=at(date(2026, 5, 7)), place="Rathaus")
        make_meeting(session, group, starts_at=at(date(2026, 6, 4)), status=MeetingStatus.cancelled)
        session.flush()
        yield group


@pytest.fixture
def demo(wittenberg, session):
    """Besides, a partner and a contact in each script in the Wittenberg group, and an
    agreement in force between the Arabic and the Persian one."""
    partners = []
    for partner_name, contact_name in NAMES.values():
        partner = make_partner(session, name=partner_name, sector=Sector.external)
        given, family = contact_name.rsplit(" ", 1)
        contact = make_contact(session, partner_id=partner.id, given_name=given, family_name=family)
        make_membership(
            session, wittenberg, partner, contact_id=contact.id, start_date=date(2025, 1, 1)
        )
        partners.append(partner)
    agreement = make_agreement(
        session,
        title="Kooperation Sprachmittlung",
        status=AgreementStatus.active,
        valid_until=date(2026, 8, 1),
    )
    for partner in partners[6:8]:
        make_party(session, agreement, partner_id=partner.id)
    session.flush()
    return wittenberg


def pdfs(group) -> dict[str, bytes]:
    return {
        "steering_group_report": render(group_report(group, START, END), ExportFormat.pdf),
        "partner_directory": render(partner_directory_report(), ExportFormat.pdf),
        "expiring_agreements": render(
            expiring_agreements_report(365, date(2026, 7, 1)), ExportFormat.pdf
        ),
    }


def test_every_pdf_report_keeps_every_name_as_stored(demo):
    for key, pdf in pdfs(demo).items():
        text = comparable(extracted(pdf))
        expected = [n for pair in NAMES.values() for n in pair]
        if key == "expiring_agreements":
            expected = [NAMES["Arabic"][0], NAMES["Persian"][0]]
        elif key == "steering_group_report":
            expected = [partner for partner, _ in NAMES.values()]
        missing = [name for name in expected if comparable(name) not in text]
        assert not missing, f"{key} lost {missing}"
        pages_as_png(pdf, key)


def words_of(report) -> set[str]:
    """The words of a report's cells written left to right only (pdftotext moves the
    space at the edge of a right-to-left run, joining its neighbour to it)."""
    texts = [as_text(value) for section in report.sections for row in section.rows for value in row]
    return {
        word
        for text in texts
        if not any(is_right_to_left(character) for character in text)
        for word in text.split()
    }


def is_right_to_left(character: str) -> bool:
    return unicodedata.bidirectional(character) in ("R", "AL")


def test_partner_directory_breaks_no_word(demo):
    report = partner_directory_report()
    extracted_words = set(BIDI_MARKS.sub("", extracted(render(report, ExportFormat.pdf))).split())
    assert sorted(words_of(report) - extracted_words) == []


def test_steering_group_report_draws_its_four_charts(demo, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdfs(demo)["steering_group_report"])
    run = subprocess.run([needs("pdfimages"), "-list", pdf], capture_output=True, check=True)
    images = run.stdout.decode().splitlines()[2:]
    assert len(images) == 4


def test_steering_group_report_flows_and_lists_its_meetings(wittenberg):
    pdf = render(group_report(wittenberg, START, END), ExportFormat.pdf)
    text = extracted(pdf)
    assert pages_as_png(pdf, "steering_group_report_demo") <= 4
    assert "Kreishaus" in text and "durchgeführt" in text
    assert "geplant" in text and "abgesagt" in text
    # Each empty section says so in a line, never a page of its own.
    assert text.count("Keine Einträge.") >= 1

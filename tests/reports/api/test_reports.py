"""Reports on demand: the steering-group report, expiring agreements, the partner
directory and contacts as vCard, in every format with the same numbers."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl

from crm.models import Attendance
from crm.models.enums import AgreementStatus, PartnerStatus
from crm.models.meeting import AttendanceStatus, MeetingStatus
from tests.factories import (
    MISSING_ID,
    make_agreement,
    make_contact,
    make_group,
    make_meeting,
    make_membership,
    make_partner,
)

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}
TODAY = date.today()


def report_url(group) -> str:
    return f"/api/v1/steering-groups/{group.id}/report"


def group_with_attendance(session):
    group, partner = make_group(session), make_partner(session, name="Jobcenter")
    make_membership(session, group, partner)
    for day, status in ((3, AttendanceStatus.present), (4, AttendanceStatus.excused)):
        meeting = make_meeting(
            session,
            group,
            starts_at=datetime(2026, day, 2, 9, tzinfo=UTC),
            status=MeetingStatus.held,
        )
        meeting.attendance.append(Attendance(partner_id=partner.id, status=status))
    session.flush()
    return group


def test_group_report_as_json_has_every_section(viewer, session):
    response = viewer.get(report_url(make_group(session)), query_string=PERIOD)
    assert response.status_code == 200
    assert [s["key"] for s in response.json["sections"]] == [
        "members_by_sector_and_kind",
        "members",
        "joined",
        "left",
        "meetings",
        "attendance",
        "decisions",
        "open_action_items",
        "agreements",
        "network",
        "topics_and_target_groups",
        "coverage",
    ]
    assert response.json["parameters"] == {"from": "2026-01-01", "to": "2026-06-30"}


def test_group_report_shows_the_same_numbers_in_json_csv_and_xlsx(viewer, session):
    group = group_with_attendance(session)
    url = report_url(group)
    [attendance] = [
        s for s in viewer.get(url, query_string=PERIOD).json["sections"] if s["key"] == "attendance"
    ]
    from_json = [list(row.values())[1:] for row in attendance["rows"]]
    csv_text = viewer.get(url, query_string=PERIOD | {"format": "csv"}).get_data(as_text=True)
    lines = csv_text.split("\r\n")
    at = lines.index("Anwesenheit der Mitglieder")
    from_csv = [
        [int(v) for v in row[1:]] for row in csv.reader(lines[at + 2 : at + 3], delimiter=";")
    ]
    xlsx = viewer.get(url, query_string=PERIOD | {"format": "xlsx"}).data
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Anwesenheit der Mitglieder"]
    from_xlsx = [[cell.value for cell in row[1:]] for row in sheet.iter_rows(min_row=2)]
    assert from_json == from_csv == from_xlsx == [[2, 1, 1, 0, 0]]


def test_group_report_as_pdf_names_the_municipality_in_its_metadata(viewer, app, session):
    response = viewer.get(report_url(make_group(session)), query_string=PERIOD | {"format": "pdf"})
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert app.config["CRM_MUNICIPALITY_NAME"].encode() in response.data


def test_report_files_are_attachments_named_without_personal_data(viewer, session):
    response = viewer.get(report_url(make_group(session)), query_string={"format": "csv"})
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="steering_group_report-')
    assert response.mimetype == "text/csv"


def test_group_report_refuses_a_period_that_ends_before_it_starts(viewer, session):
    period = {"from": "2026-06-30", "to": "2026-01-01"}
    response = viewer.get(report_url(make_group(session)), query_string=period)
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["from"]


def test_group_report_refuses_an_unknown_format(viewer, session):
    response = viewer.get(report_url(make_group(session)), query_string={"format": "doc"})
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["format"]


def test_group_report_of_an_unknown_group_is_not_found(viewer):
    assert viewer.get(f"/api/v1/steering-groups/{MISSING_ID}/report").status_code == 404


def test_expiring_agreements_lists_those_within_the_days_asked(viewer, session):
    soon = TODAY + timedelta(days=20)
    make_agreement(session, title="Bald", status=AgreementStatus.active, valid_until=soon)
    make_agreement(
        session, title="Später", status=AgreementStatus.active, valid_until=TODAY + timedelta(60)
    )
    make_agreement(session, title="Vorbei", status=AgreementStatus.expired, valid_until=soon)
    response = viewer.get("/api/v1/reports/expiring-agreements", query_string={"within_days": 30})
    [rows] = [s["rows"] for s in response.json["sections"]]
    assert [(r["title"], r["days_left"]) for r in rows] == [("Bald", 20)]


def test_partner_directory_has_a_row_per_current_contact(viewer, session):
    partner = make_partner(session, name="AAA Verein")
    make_contact(session, partner_id=partner.id, family_name="Meier")
    make_contact(session, partner_id=partner.id, family_name="Albers")
    make_contact(session, partner_id=partner.id, family_name="Alt", status="archived")
    make_partner(session, name="AAB ohne Kontakt")
    make_partner(session, name="AAC archiviert", status=PartnerStatus.archived)
    response = viewer.get("/api/v1/reports/partner-directory")
    [rows] = [s["rows"] for s in response.json["sections"]]
    ours = [(r["partner"], r["contact"]) for r in rows if r["partner"].startswith("AA")]
    assert ours == [("AAA Verein", "Albers"), ("AAA Verein", "Meier"), ("AAB ohne Kontakt", None)]


def test_partner_directory_xlsx_keeps_formula_like_names_as_text(viewer, session):
    make_partner(session, name='=HYPERLINK("http://example.org","Klick")', kind="chamber")
    response = viewer.get("/api/v1/reports/partner-directory", query_string={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Partner und Ansprechpersonen"]
    [cell] = [row[0] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[0].value)]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://example.org","Klick")')


def test_contact_cards_hold_each_current_contact(viewer, session):
    partner = make_partner(session, name="Jobcenter")
    make_contact(session, partner_id=partner.id, given_name="Anna", family_name="Zander")
    response = viewer.get("/api/v1/reports/contact-cards", query_string={"kind": "chamber"})
    assert response.mimetype == "text/vcard"
    text = response.get_data(as_text=True)
    assert "FN:Anna Zander\r\nORG:Jobcenter\r\n" in text


def test_reports_need_an_api_key(anonymous, session):
    response = anonymous.get("/api/v1/reports/partner-directory")
    assert response.status_code == 401

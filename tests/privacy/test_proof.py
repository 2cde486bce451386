"""The proof of erasure: unique markers in every personal field of a contact, the contact
used by every feature that can store something about them, then erased; afterwards no
column of any table holds a marker."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm.database import Base
from crm.models import Contact
from tests.factories import make_agreement, make_group, make_partner, make_schedule

MARKERS = {
    "title": "Zqxtitle",
    "given_name": "Zqxgiven",
    "family_name": "Zqxfamily",
    "function": "Zqxfunction",
    "email": "zqxmail@zqxdomain.example",
    "phone": "+49 30 97531864",
    "mobile": "+49 171 86420975",
    "notes": "Zqxnotes",
    "consent_source": "Zqxsource",
}
# Lower case: the search columns keep folded copies.
SEARCHED = ["zqx", "97531864", "86420975"]


def hits(session) -> list[str]:
    """`table.column` for every stored value that holds a marker, in any form."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).mappings():
            for name, value in row.items():
                if _holds_marker(value):
                    found.append(f"{table.name}.{name}")
    return sorted(set(found))


def _holds_marker(value) -> bool:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    elif isinstance(value, dict | list):
        text = json.dumps(value)
    else:
        text = str(value)
    return any(marker in text.lower() for marker in SEARCHED)


@pytest.fixture
def marked(client, session) -> uuid.UUID:
    """A contact with every personal field marked, in use everywhere."""
    partner = make_partner(session, name="Jobcenter Musterkreis")
    body = MARKERS | {
        "salutation": "ms",
        "preferred_language": "uk",
        "partner_id": str(partner.id),
        "legal_basis": "consent",
        "consent_given_on": "2025-05-02",
        "consent_purposes": ["reports"],
    }
    contact_id = client.post("/api/v1/contacts", json=body).json["id"]
    change = {"function": "Zqxfunction neu", "partner_id": str(make_partner(session).id)}
    client.patch(f"/api/v1/contacts/{contact_id}", json=change, headers={"If-Match": '"v1"'})
    client.post("/api/v1/contacts/search", json={"q": "zqxfamily"})
    _take_part_everywhere(client, session, partner, contact_id)
    return uuid.UUID(contact_id)


def _take_part_everywhere(client, session, partner, contact_id):
    group = make_group(session)
    member = {"partner_id": str(partner.id), "role": "member", "start_date": "2024-01-01"}
    memberships = f"/api/v1/steering-groups/{group.id}/memberships"
    assert client.post(memberships, json=member | {"contact_id": contact_id}).status_code == 201
    agreement = make_agreement(session, steering_group_id=group.id)
    party = {"partner_id": str(partner.id), "role": "party", "signatory_contact_id": contact_id}
    assert client.post(f"/api/v1/agreements/{agreement.id}/parties", json=party).status_code == 201
    meeting = {
        "starts_at": "2026-03-05T10:00:00+01:00",
        "attendance": [
            {"partner_id": str(partner.id), "contact_id": contact_id, "status": "present"}
        ],
    }
    meetings = f"/api/v1/steering-groups/{group.id}/meetings"
    created = client.post(meetings, json=meeting)
    assert created.status_code == 201
    item = {"title": "Aufgabe", "responsible_contact_id": contact_id}
    items = f"{meetings}/{created.json['id']}/action-items"
    assert client.post(items, json=item).status_code == 201
    client.get(f"/api/v1/contacts/{contact_id}/personal-data")
    client.get("/api/v1/reports/contact-cards")


def run_exports(app, session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_EXPORT_DIRECTORY", str(tmp_path))
    due = datetime(2026, 3, 1, 6, tzinfo=UTC)
    make_schedule(session, report="partner_directory", format="json", next_run_at=due)
    make_schedule(session, report="partner_directory", destination="directory", next_run_at=due)
    result = app.test_cli_runner().invoke(args=["crm", "exports", "run-due"])
    assert result.exit_code == 0, result.output


def test_after_erasure_no_column_of_any_table_holds_a_marker(
    app, admin, marked, session, tmp_path, monkeypatch
):
    run_exports(app, session, tmp_path, monkeypatch)
    session.expire_all()
    assert {"contacts.email", "export_run_files.content", "audit_events.changes"} <= set(
        hits(session)
    )
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
    assert admin.post(f"/api/v1/contacts/{marked}/erasure").status_code == 200
    session.expire_all()
    assert hits(session) == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []
    assert session.get(Contact, marked).erased_at is not None

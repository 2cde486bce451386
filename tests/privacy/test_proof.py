"""The proof of erasure, generic on both sides.

The app runs under gunicorn with its shipped configuration and the access log on, on a
database and an instance folder of its own. A contact with unique markers in every
personal field is written through every operation of the *published document* that can
carry contact data (each POST with an `Idempotency-Key`), used everywhere, searched for,
exported to the database, to a directory and to a directory reached through a symlink,
then erased. Afterwards no column of any table (found from the metadata), no byte of any
file under the instance folder and the export target (the SQLite file included), and no
line the server printed holds a marker; every keyed POST repeated gives nothing personal
back. An operation added to the document that can carry contact data fails
`test_every_operation_that_can_carry_contact_data_is_in_the_proof` until it is written
through here too.
"""

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.database import Base, db
from crm.models import ExportSchedule
from crm.models.enums import ApiRole
from crm.privacy.catalogue import is_personal
from tests import live
from tests.conftest import temporary_postgres_database
from tests.factories import make_agreement, make_group, make_partner

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
# Lower case: search columns keep folded copies; digits: phone numbers lose their format.
SEARCHED = ["zqx", "97531864", "86420975"]
CONTACTS = "/api/v1/contacts"
ERASURE = ("POST", "/api/v1/contacts/{contact_id}/erasure")
DUE = datetime(2026, 3, 1, 6, tzinfo=UTC)


def holds_marker(value) -> bool:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    elif isinstance(value, dict | list):
        text = json.dumps(value)
    else:
        text = str(value)
    return any(marker in text.lower() for marker in SEARCHED)


def table_hits(session: Session) -> list[str]:
    """`table.column` for every stored value that holds a marker, in any table."""
    return sorted(
        {
            f"{table.name}.{name}"
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table)).mappings()
            for name, value in row.items()
            if holds_marker(value)
        }
    )


def file_hits(*folders: Path) -> list[str]:
    """Every file below the folders (symlinks followed) whose bytes hold a marker."""
    return sorted(
        str(Path(root) / name)
        for folder in folders
        for root, _dirs, files in os.walk(folder, followlinks=True)
        for name in files
        if holds_marker((Path(root) / name).read_bytes().lower())
    )


def contact_fields() -> set[str]:
    """The personal fields of a contact, as the privacy catalogue tags them."""
    table = Base.metadata.tables["contacts"]
    return {column.name for column in table.columns if is_personal(column)}


def carries_contact_data(document: dict, path: str, operation: dict) -> bool:
    """A write that is about contacts, takes a file, or sends or answers a schema that
    holds a contact's name."""
    contents = [*operation.get("requestBody", {}).get("content", {}).items()]
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            contents += response.get("content", {}).items()
    names = set().union(*(_properties(document, c.get("schema", {})) for _, c in contents))
    return (
        path.startswith(CONTACTS)
        or any(media_type.startswith("multipart/") for media_type, _ in contents)
        or {"given_name", "family_name"} <= names & contact_fields()
    )


def _properties(document: dict, schema: dict, seen: frozenset = frozenset()) -> set[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        return _properties(document, document["components"]["schemas"][name], seen | {name})
    found = set(schema.get("properties", {}))
    nested = [*schema.get("properties", {}).values(), *schema.get("allOf", [])]
    nested += [*schema.get("anyOf", []), *schema.get("oneOf", [])]
    if "items" in schema:
        nested.append(schema["items"])
    for part in nested:
        found |= _properties(document, part, seen)
    return found


def writes_that_carry_contact_data(document: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch") and carries_contact_data(document, path, operation)
    } - {ERASURE}


@dataclass
class Proof:
    """The server under test, its folders, and what was sent with an Idempotency-Key."""

    http: httpx.Client
    partner_id: str
    contact_id: str = ""
    keyed: list[tuple[str, dict]] = field(default_factory=list)

    def send(self, method: str, url: str, expected: int, **options) -> httpx.Response:
        if method == "POST":
            headers = options.setdefault("headers", {})
            headers["Idempotency-Key"] = str(uuid.uuid4())
            self.keyed.append((url, options))
        response = self.http.request(method, url, **options)
        assert response.status_code == expected, response.text
        return response

    def etag(self, contact_id: str) -> str:
        return self.http.get(f"{CONTACTS}/{contact_id}").headers["ETag"]


def _marked(proof: Proof, **fields) -> dict:
    return MARKERS | {
        "salutation": "ms",
        "preferred_language": "uk",
        "partner_id": proof.partner_id,
        "legal_basis": "consent",
        "consent_given_on": "2025-05-02",
        "consent_purposes": ["reports"],
        **fields,
    }


def _create(proof: Proof) -> None:
    proof.contact_id = proof.send("POST", CONTACTS, 201, json=_marked(proof)).json()["id"]


def _patch(proof: Proof) -> None:
    headers = {"If-Match": proof.etag(proof.contact_id)}
    change = {"function": "Zqxfunction neu"}
    proof.send("PATCH", f"{CONTACTS}/{proof.contact_id}", 200, json=change, headers=headers)


def _search(proof: Proof) -> None:
    assert proof.send("POST", f"{CONTACTS}/search", 200, json={"q": "zqxfamily"}).json()["data"]


def _import(proof: Proof) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows, delimiter=";")
    writer.writerow(["given_name", "family_name", "email", "notes", "partner_id", "legal_basis"])
    marked = ["Zqxgiven", "Zqxfamily", MARKERS["email"], "Zqxnotes import", proof.partner_id]
    writer.writerow([*marked, "consent"])
    upload = {"file": ("Kontakte_Zqxfamily.csv", rows.getvalue().encode(), "text/csv")}
    report = proof.send("POST", "/api/v1/imports?resource=contacts", 201, files=upload).json()
    assert report["counts"]["updated"] == 1, report


def _merge(proof: Proof) -> None:
    twin = _marked(proof, email="zqxtwin@zqxdomain.example")
    duplicate = proof.send("POST", f"{CONTACTS}?allow_duplicate=true", 201, json=twin).json()
    headers = {"If-Match": proof.etag(proof.contact_id)}
    merge = {"duplicate_id": duplicate["id"], "keep": {"notes": "duplicate"}}
    proof.send("POST", f"{CONTACTS}/{proof.contact_id}/merge", 200, json=merge, headers=headers)


def _withdraw(proof: Proof) -> None:
    proof.send("POST", f"{CONTACTS}/{proof.contact_id}/consent/withdrawal", 200)


# Every write of the published document that can carry contact data, in the order run;
# the consent is withdrawn last, after the exports (which then leave the person out).
WRITES: dict[tuple[str, str], Callable[[Proof], None]] = {
    ("POST", "/api/v1/contacts"): _create,
    ("PATCH", "/api/v1/contacts/{contact_id}"): _patch,
    ("POST", "/api/v1/contacts/search"): _search,
    ("POST", "/api/v1/imports"): _import,
    ("POST", "/api/v1/contacts/{contact_id}/merge"): _merge,
    ("POST", "/api/v1/contacts/{contact_id}/consent/withdrawal"): _withdraw,
}
LAST = ("POST", "/api/v1/contacts/{contact_id}/consent/withdrawal")


def _use_everywhere(proof: Proof, session: Session) -> None:
    """Memberships, signatures, meetings, action items, reads and searches of the person."""
    group = make_group(session)
    group_id, agreement_id = group.id, make_agreement(session, steering_group_id=group.id).id
    session.commit()
    partner, contact = proof.partner_id, proof.contact_id
    member = {"partner_id": partner, "role": "member", "start_date": "2024-01-01"}
    member["contact_id"] = contact
    proof.send("POST", f"/api/v1/steering-groups/{group_id}/memberships", 201, json=member)
    party = {"partner_id": partner, "role": "party", "signatory_contact_id": contact}
    proof.send("POST", f"/api/v1/agreements/{agreement_id}/parties", 201, json=party)
    meeting = {
        "starts_at": "2026-03-05T10:00:00+01:00",
        "attendance": [{"partner_id": partner, "contact_id": contact, "status": "present"}],
    }
    meetings = f"/api/v1/steering-groups/{group_id}/meetings"
    meeting_id = proof.send("POST", meetings, 201, json=meeting).json()["id"]
    item = {"title": "Aufgabe", "responsible_contact_id": contact}
    proof.send("POST", f"{meetings}/{meeting_id}/action-items", 201, json=item)
    for read in (f"{CONTACTS}/{contact}/personal-data", "/api/v1/reports/contact-cards"):
        assert proof.http.get(read).status_code == 200
    # A search term in a query string (contacts are searched by POST): no log keeps it.
    assert proof.http.get("/api/v1/partners?q=zqxfamily").status_code == 200


def _export_everywhere(proof: Proof, session: Session, environment: dict) -> None:
    # Plain text, so that a marker shows in the files' bytes (XLSX and PDF are compressed).
    schedules = [
        {"destination": "database", "format": "json"},
        {"destination": "directory", "format": "csv"},
        {"destination": "directory", "format": "csv", "directory": "linked"},
    ]
    for number, schedule in enumerate(schedules):
        body = schedule | {"name": f"Export {number}", "report": "partner_directory"}
        proof.send("POST", "/api/v1/export-schedules", 201, json=body | {"cron": "0 7 * * *"})
    session.execute(update(ExportSchedule).values(next_run_at=DUE))
    session.commit()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "crm", "exports", "run-due"]
    done = subprocess.run(
        command, env=os.environ | environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not holds_marker(done.stdout + done.stderr)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        (tmp_path / "instance").mkdir()
        yield f"sqlite:///{tmp_path / 'instance' / 'crm.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


def test_every_operation_that_can_carry_contact_data_is_in_the_proof(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert writes_that_carry_contact_data(document) == set(WRITES)


def test_after_erasure_nothing_holds_the_person(own_database, tmp_path):
    instance, share, log = tmp_path / "instance", tmp_path / "share", tmp_path / "server.log"
    exports = instance / "exports"
    exports.mkdir(parents=True)
    share.mkdir()
    (exports / "linked").symlink_to(share, target_is_directory=True)
    environment = {
        "DATABASE_URL": own_database,
        "CRM_INSTANCE_PATH": str(instance),
        "CRM_EXPORT_DIRECTORY": str(exports),
    }

    app, key = live.prepared(own_database, ApiRole.admin, make_partner)
    with (
        Session(app.extensions["crm.engine"]) as session,
        live.gunicorn(environment, log, "--access-logfile", "-") as base_url,
        httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}) as http,
    ):
        partner = session.scalars(select(Base.metadata.tables["partners"].c.id)).one()
        session.rollback()  # SQLite: a reader's open transaction would block the server
        proof = Proof(http, str(partner))
        for operation, write in WRITES.items():
            if operation == LAST:
                _use_everywhere(proof, session)
                _export_everywhere(proof, session, environment)
            write(proof)
        stored = table_hits(session)
        session.rollback()
        assert {"contacts.email", "idempotent_requests.response_body"} <= set(stored), stored
        assert {"export_run_files.content", "imports.file_name"} <= set(stored), stored
        assert len(file_hits(share)) == 1
        assert len(file_hits(exports)) >= 2

        erased = http.post(f"{CONTACTS}/{proof.contact_id}/erasure")
        assert erased.status_code == 200, erased.text
        session.expire_all()
        assert table_hits(session) == []
        assert file_hits(instance, share) == []
        for url, options in proof.keyed:
            repeated = http.post(url, **options)
            assert not holds_marker(repeated.text), (url, repeated.text)
            assert repeated.status_code in (201, 200, 410), (url, repeated.text)
    db.dispose(app)
    printed = log.read_text()
    assert "GET /api/v1/partners" in printed  # the access log was on
    assert [line for line in printed.splitlines() if holds_marker(line)] == []

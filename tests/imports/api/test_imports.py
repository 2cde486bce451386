import uuid

from sqlalchemy import event, func, select

from crm.database import COPY_FROM
from crm.models import AuditEvent, ConsentRecord, Contact, ImportRecord, Membership, Partner
from tests.changes.feed import about, follow
from tests.factories import make_contact, make_group, make_partner, topic
from tests.imports.files import csv_bytes, upload, xlsx_bytes

PARTNERS = csv_bytes(
    "Name;Art;Sektor;E-Mail;PLZ",
    "Caritasverband Trier e.V.;Wohlfahrtsverband;verwaltungsextern;info@caritas-trier.de;54290",
    "Jobcenter Trier;Jobcenter;extern;;54292",
)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_creates_the_rows_and_answers_201(client, session):
    response = upload(client, PARTNERS)
    assert response.status_code == 201
    assert response.json["counts"] == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "invalid": 0,
    }
    assert response.headers["Location"].endswith(f"/api/v1/imports/{response.json['id']}")


def test_import_stores_values_as_the_api_would(client, session):
    upload(client, PARTNERS)
    partner = session.scalars(select(Partner).where(Partner.name.startswith("Caritas"))).one()
    assert (partner.kind, partner.sector.value, partner.postal_code) == (
        "welfare_association",
        "external",
        "54290",
    )


def test_import_is_recorded(client, session):
    body = upload(client, PARTNERS, name="Listen/Partner.csv").json
    fetched = client.get(f"/api/v1/imports/{body['id']}").json
    assert (fetched["file_name"], fetched["actor"], fetched["counts"]["created"]) == (
        "Partner.csv",
        body["actor"],
        2,
    )
    assert fetched["actor"].startswith("test-editor")


def test_imports_are_listed(client, session):
    upload(client, PARTNERS)
    assert client.get("/api/v1/imports?resource=partners").json["pagination"]["total"] == 1


def test_rows_appear_in_the_audit_trail_as_created_by_the_import(client, session):
    body = upload(client, PARTNERS).json
    actors = session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "create")).all()
    assert actors == [f"import:{body['id']}"] * 2


def test_rows_appear_in_the_change_feed_in_row_order_with_their_audit_values(client, session):
    # More rows than COPY_FROM: on PostgreSQL, the events go by COPY.
    rows = [f"Verein {n};Verein;extern" for n in range(COPY_FROM + 10)]
    body = upload(client, csv_bytes("Name;Art;Sektor", *rows)).json
    created = [row["id"] for row in body["rows"]]
    changes = [c for c in follow(client) if c["event_type"] == "partner.create"]
    assert [c["resource_id"] for c in changes] == created
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).all()
    recorded = {str(e.resource_id): (sorted(e.changes), e.changes["sector"]["new"]) for e in events}
    assert [(c["changed_fields"], "external") for c in changes] == [
        recorded[partner_id] for partner_id in created
    ]


def test_dry_run_reports_row_by_row_and_writes_nothing(client, session):
    make_partner(session, name="Jobcenter Trier", kind="job_centre")
    session.commit()
    response = upload(client, PARTNERS, dry_run="true")
    assert response.status_code == 200
    assert [(r["row"], r["action"]) for r in response.json["rows"]] == [
        (2, "create"),
        (3, "update"),
    ]
    assert (count(session, Partner), count(session, ImportRecord)) == (1, 0)


def test_dry_run_names_column_and_reason_of_invalid_rows(client):
    content = csv_bytes("Name;Art;Sektor;E-Mail", "Caritas Trier;Raumschiff;extern;kaputt")
    [row] = upload(client, content, dry_run="true").json["rows"]
    assert row["action"] == "invalid"
    assert set(row["errors"]) == {"Art", "E-Mail"}


def test_one_invalid_row_and_nothing_is_written(client, session):
    content = PARTNERS + b"Kaputt;Raumschiff;extern;;\r\n"
    response = upload(client, content)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["rows.4.Art"]
    assert (count(session, Partner), count(session, ImportRecord)) == (0, 0)


def test_existing_record_is_updated_by_exact_name(client, session):
    partner = make_partner(session, name="Jobcenter Trier", kind="job_centre", postal_code=None)
    session.commit()
    upload(client, PARTNERS)
    session.refresh(partner)
    assert partner.postal_code == "54292"


def test_unchanged_record_is_skipped(client, session):
    upload(client, PARTNERS)
    body = upload(client, PARTNERS).json
    assert body["counts"]["skipped"] == 2


def test_likely_duplicate_is_skipped_with_the_reason(client, session):
    existing = make_partner(session, name="Caritas Trier", kind="welfare_association")
    session.commit()
    body = upload(client, PARTNERS, dry_run="true").json
    assert body["rows"][0]["action"] == "skip"
    assert str(existing.id) in body["rows"][0]["reason"]


def test_likely_duplicate_within_the_file_names_the_row(client):
    content = PARTNERS + b"CARITASVERBAND f. d. Region Trier;Verband;extern;;\r\n"
    body = upload(client, content, dry_run="true").json
    assert body["rows"][2]["action"] == "skip"
    assert "row 2" in body["rows"][2]["reason"]


def test_allow_duplicates_creates_them(client, session):
    make_partner(session, name="Caritas Trier", kind="welfare_association")
    session.commit()
    body = upload(client, PARTNERS, allow_duplicates="true").json
    assert body["counts"]["created"] == 2


def test_explicit_mapping(client, session):
    content = csv_bytes("Träger;Typ;Bereich", "Caritas Trier;Verband;intern")
    upload(client, content, mapping=["Typ=kind", "Bereich=sector"])
    assert session.scalars(select(Partner.sector)).one().value == "internal"


def test_mapping_to_nothing_ignores_a_column(client):
    content = csv_bytes("Name;Art;Sektor;Notizen", "Caritas Trier;Verband;intern;geheim")
    body = upload(client, content, mapping=["Notizen="], dry_run="true").json
    assert body["ignored_columns"] == ["Notizen"]


def test_xlsx(client, session):
    content = xlsx_bytes(
        ["Name", "Art", "Sektor", "PLZ"], ["Caritas Trier", "Verband", "extern", 6110]
    )
    response = upload(client, content, name="liste.xlsx")
    assert response.status_code == 201
    assert session.scalars(select(Partner.postal_code)).one() == "06110"


def test_contacts_find_their_partner_by_name_or_external_id(client, session):
    caritas = make_partner(session, name="Caritasverband Trier e.V.")
    jobcenter = make_partner(
        session, name="Jobcenter", external_ids=[{"scheme": "bund", "value": "JC-123"}]
    )
    session.commit()
    content = csv_bytes(
        "Vorname;Nachname;Organisation;Rechtsgrundlage",
        "Anna;Schäfer;Caritasverband Trier e.V.;Öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)",
        "Omar;Haddad;JC-123;public_task",
    )
    assert upload(client, content, resource="contacts").status_code == 201
    partners = dict(session.execute(select(Contact.family_name, Contact.partner_id)).all())
    assert partners == {"Schäfer": caritas.id, "Haddad": jobcenter.id}


def test_contacts_get_an_employment_as_on_post(client, session):
    make_partner(session, name="Caritas Trier")
    session.commit()
    content = csv_bytes(
        "Nachname;Organisation;Rechtsgrundlage", "Schäfer;Caritas Trier;public_task"
    )
    upload(client, content, resource="contacts")
    contact = session.scalars(select(Contact)).one()
    assert len(contact.employments) == 1


def test_unknown_partner_name_is_an_invalid_row(client):
    content = csv_bytes("Nachname;Organisation;Rechtsgrundlage", "Schäfer;Niemand e.V.;public_task")
    [row] = upload(client, content, resource="contacts", dry_run="true").json["rows"]
    assert row["errors"] == {"Organisation": ["No partner is called 'Niemand e.V.'."]}


def test_consent_rule_applies_as_on_post(client):
    content = csv_bytes("Nachname;Rechtsgrundlage", "Schäfer;Einwilligung")
    [row] = upload(client, content, resource="contacts", dry_run="true").json["rows"]
    assert row["action"] == "invalid"


def test_memberships_by_names_german_labels_and_dates(client, session):
    group = make_group(session, name="Willkommen bei Freunden")
    partner = make_partner(session, name="Jobcenter Wittenberg")
    contact = make_contact(session, email="k.meier@jobcenter.example", partner_id=partner.id)
    session.commit()
    content = csv_bytes(
        "Gremium;Organisation;Ansprechperson;Rolle;Seit",
        "Willkommen bei Freunden;Jobcenter Wittenberg;k.meier@jobcenter.example;Vorsitz;1.5.2016",
    )
    assert upload(client, content, resource="memberships").status_code == 201
    membership = session.scalars(select(Membership)).one()
    assert (membership.steering_group_id, membership.contact_id, membership.role.value) == (
        group.id,
        contact.id,
        "chair",
    )
    assert str(membership.start_date) == "2016-05-01"


def test_formula_makes_the_row_invalid(client, session):
    content = csv_bytes("Name;Art;Sektor", '=HYPERLINK("http://evil.example");Verband;extern')
    response = upload(client, content)
    assert response.status_code == 422
    assert "formula" in response.json["errors"]["rows.2.Name"][0]


def test_binary_file_named_csv_is_refused(client, session):
    response = upload(client, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["file"]


def test_file_over_the_limit_is_refused_before_reading(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_MAX_UPLOAD_BYTES", 10_000)
    response = upload(client, PARTNERS * 100)
    assert response.status_code == 413


def test_claimed_gigabyte_is_refused_by_its_content_length(client):
    response = client.post(
        "/api/v1/imports?resource=partners",
        data={"file": (__import__("io").BytesIO(PARTNERS), "liste.csv")},
        environ_overrides={"CONTENT_LENGTH": str(1024**3)},
    )
    assert response.status_code == 413


def test_json_body_is_refused(client):
    response = client.post("/api/v1/imports?resource=partners", json={"name": "x"})
    assert response.status_code == 415


def test_resource_is_required(client):
    response = client.post(
        "/api/v1/imports", data={"file": (__import__("io").BytesIO(PARTNERS), "liste.csv")}
    )
    assert (response.status_code, list(response.json["errors"])) == (400, ["resource"])


def test_viewer_may_not_import(viewer):
    assert upload(viewer, PARTNERS).status_code == 403


def test_same_idempotency_key_and_file_answers_the_first_response(client, session):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = upload(client, PARTNERS, headers=key)
    again = upload(client, PARTNERS, headers=key)
    assert (again.status_code, again.json["id"]) == (201, first.json["id"])
    assert count(session, Partner) == 2


def test_same_idempotency_key_with_another_file_is_refused(client, session):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    upload(client, PARTNERS, headers=key)
    other = upload(client, PARTNERS + b"AWO Trier;Verband;extern;;\r\n", headers=key)
    # 409 or 422 (crm.http.idempotency decides for every POST): never a second import.
    assert (other.status_code in (409, 422), list(other.json["errors"])) == (
        True,
        ["Idempotency-Key"],
    )


def test_a_row_naming_a_merged_record_says_where_it_went(client, session):
    survivor, duplicate = make_partner(session), make_partner(session)
    session.commit()
    client.post(
        f"/api/v1/partners/{survivor.id}/merge",
        json={"duplicate_id": str(duplicate.id)},
        headers={"If-Match": '"v1"'},
    )
    content = csv_bytes("ID;Telefon", f"{duplicate.id};0651 1")
    [row] = upload(client, content, dry_run="true").json["rows"]
    assert str(survivor.id) in row["errors"]["_row"][0]


# What tells two records apart: their names, their ids, when they were written.
OWN = {"id", "created_at", "updated_at", "name", "given_name", "family_name", "email", "contact_id"}


def stored_as(client, session, path: str, record_id: str) -> dict:
    """What is stored and recorded about a record (less what is its own): its
    representation, its employments and consents, its audit event, its feed entry."""
    record = client.get(f"{path}/{record_id}").json
    record_id = uuid.UUID(record_id)
    employments = (
        client.get(f"{path}/{record_id}/employments").json["data"] if "contacts" in path else []
    )
    consents = [
        (c.given_on, c.source, c.purposes)
        for c in session.scalars(select(ConsentRecord).where(ConsentRecord.contact_id == record_id))
    ]
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.resource_id == record_id)).all()
    [change] = about(follow(client), record_id)
    return {
        "record": {k: v for k, v in record.items() if k not in OWN},
        "employments": [{k: v for k, v in e.items() if k not in OWN} for e in employments],
        "consents": consents,
        "event": (event.action, {k: v for k, v in event.changes.items() if k not in OWN}),
        "change": (change["event_type"], change["changed_fields"]),
    }


def test_imported_contacts_are_stored_and_recorded_as_a_post_stores_them(client, session):
    partner = make_partner(session, name="Caritas Trier")
    session.commit()
    consent = {
        "legal_basis": "consent",
        "consent_given_on": "2026-02-03",
        "consent_source": "Formular",
    }
    posted = client.post(
        "/api/v1/contacts",
        json={"family_name": "Meier", "partner_id": str(partner.id), "function": "Leitung"}
        | consent
        | {"given_name": "Olga", "email": "olga@example.org"},
    ).json
    # As many rows as go by COPY on PostgreSQL.
    rows = [
        f"Anna;Schäfer{n};anna{n}@example.org;Caritas Trier;Leitung;Einwilligung;3.2.2026;Formular"
        for n in range(COPY_FROM)
    ]
    header = "Vorname;Nachname;E-Mail;Organisation;Funktion;Rechtsgrundlage;Einwilligung am;"
    body = upload(
        client, csv_bytes(header + "Einwilligungsquelle", *rows), resource="contacts"
    ).json
    assert body["counts"]["created"] == COPY_FROM
    imported = stored_as(client, session, "/api/v1/contacts", body["rows"][0]["id"])
    assert imported == stored_as(client, session, "/api/v1/contacts", posted["id"])
    assert imported["employments"] and imported["consents"]
    # Found by the folded copy of the names a flush would have stored.
    found = client.post("/api/v1/contacts/search", json={"q": "schafer1"}).json["data"]
    assert body["rows"][1]["id"] in {contact["id"] for contact in found}


def test_imported_partners_are_stored_and_recorded_as_a_post_stores_them(client, session):
    language = topic(session, "language")
    posted = client.post(
        "/api/v1/partners",
        json={
            "name": "Jobcenter Trier",
            "kind": "job_centre",
            "sector": "external",
            "topic_ids": [str(language.id)],
        },
    ).json
    content = csv_bytes(
        "Name;Art;Sektor;Handlungsfelder", "Jobcenter Wittlich;job_centre;extern;language"
    )
    [row] = upload(client, content).json["rows"]
    imported = stored_as(client, session, "/api/v1/partners", row["id"])
    assert imported == stored_as(client, session, "/api/v1/partners", posted["id"])
    assert imported["record"]["topic_ids"] == [str(language.id)]


def test_a_row_updates_a_record_an_earlier_batch_of_the_import_created(
    client, session, monkeypatch
):
    monkeypatch.setattr("crm.imports.run.BATCH", 2)
    content = csv_bytes(
        "Name;Art;Sektor;PLZ",
        "Verein A;Verein;extern;54290",
        "Verein B;Verein;extern;54290",
        "Verein A;Verein;extern;54292",
    )
    body = upload(client, content).json
    assert [row["action"] for row in body["rows"]] == ["create", "create", "update"]
    partner = session.scalars(select(Partner).where(Partner.name == "Verein A")).one()
    assert (partner.postal_code, partner.version) == ("54292", 2)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.resource_id == partner.id)
    ).all()
    assert sorted(actions) == ["create", "update"]


def test_a_row_updates_a_record_an_earlier_row_of_its_batch_created(client, session):
    content = csv_bytes(
        "Name;Art;Sektor;PLZ", "Verein A;Verein;extern;54290", "Verein A;Verein;extern;54292"
    )
    body = upload(client, content).json
    assert [row["action"] for row in body["rows"]] == ["create", "update"]
    partner = session.scalars(select(Partner).where(Partner.name == "Verein A")).one()
    assert (partner.postal_code, partner.version) == ("54292", 2)


def test_the_topics_rows_name_are_read_once_per_batch(client, session, connection):
    topic(session, "language")
    session.commit()
    rows = [f"Verein {n};Verein;extern;language" for n in range(20)]
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    upload(client, csv_bytes("Name;Art;Sektor;Handlungsfelder", *rows))
    # Their names once, to resolve them; the records once, for the batch.
    assert len([s for s in statements if "FROM topics" in s]) <= 2

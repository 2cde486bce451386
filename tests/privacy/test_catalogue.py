"""Every column of every table is classified, and the processing record (Art. 30) is
generated from that."""

from crm.privacy.catalogue import unclassified_columns


def test_every_column_is_tagged_personal_or_named_as_not_personal():
    assert unclassified_columns() == [], (
        "tag these columns info=personal(...) (crm.models.privacy) or name them in "
        "crm.privacy.catalogue.NOT_PERSONAL"
    )


def fields_of(record, subjects):
    [entry] = [s for s in record["data_subjects"] if s["code"] == subjects]
    return {field for category in entry["categories"] for field in category["fields"]}


def test_the_processing_record_names_the_personal_fields(client):
    record = client.get("/api/v1/privacy/processing-record").json
    assert {"contacts.family_name", "contacts.email", "memberships.notes"} <= fields_of(
        record, "contact_persons"
    )
    assert "audit_events.actor" in fields_of(record, "staff")


def test_the_processing_record_states_the_retention_rules(client):
    retention = client.get("/api/v1/privacy/processing-record").json["retention"]
    assert (retention["years_after_last_role"], retention["years_without_role"]) == (2, 2)


def test_the_processing_record_names_the_legal_bases_without_legitimate_interests(client):
    record = client.get("/api/v1/privacy/processing-record").json
    assert [basis["code"] for basis in record["legal_bases"]] == [
        "consent",
        "contract",
        "public_task",
    ]

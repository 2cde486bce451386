import uuid
from datetime import date

import pytest
from sqlalchemy import event, select

from crm.models import (
    Agreement,
    AgreementParty,
    Contact,
    Employment,
    Membership,
)
from crm.models.enums import (
    AgreementKind,
    ContactStatus,
    LegalBasis,
    MembershipRole,
    PartyRole,
)
from tests.factories import make_contact, make_group, make_partner

NEW_CONTACT = {"given_name": "Ayşe", "family_name": "Schäfer", "legal_basis": "public_task"}
CONSENT = {"legal_basis": "consent", "consent_given_on": "2024-05-02", "consent_source": "Formular"}
NOWHERE = "6b1f0c6e-0000-4000-8000-000000000000"


def patch(client, contact_id, changes, etag='"v1"'):
    return client.patch(f"/api/v1/contacts/{contact_id}", json=changes, headers={"If-Match": etag})


def delete(client, contact_id):
    return client.delete(f"/api/v1/contacts/{contact_id}", headers={"If-Match": '"v1"'})


def search(client, **body):
    return client.post("/api/v1/contacts/search", json=body)


def family_names(response):
    return [contact["family_name"] for contact in response.json["data"]]


def employments_of(session, contact_id):
    session.expire_all()
    rows = session.scalars(select(Employment).where(Employment.contact_id == contact_id))
    return sorted(
        ((e.partner_id, e.function, e.start_date, e.end_date) for e in rows),
        key=lambda row: (row[2], row[3] is None),
    )


# Create


def test_create_answers_201_with_location_and_etag(client):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v1/contacts/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_create_stores_the_contact(client, session):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT | {"preferred_language": "tr"})
    stored = session.get(Contact, uuid.UUID(response.json["id"]))
    assert (stored.family_name, stored.preferred_language) == ("Schäfer", "tr")


def test_create_defaults_status_to_active(client):
    assert client.post("/api/v1/contacts", json=NEW_CONTACT).json["status"] == "active"


def test_create_with_partner_opens_an_employment_today(client, session):
    partner = make_partner(session)
    body = client.post(
        "/api/v1/contacts",
        json=NEW_CONTACT | {"partner_id": str(partner.id), "function": "Beratung"},
    ).json
    assert employments_of(session, uuid.UUID(body["id"])) == [
        (partner.id, "Beratung", date.today(), None)
    ]


def test_create_without_partner_opens_no_employment(client, session):
    body = client.post("/api/v1/contacts", json=NEW_CONTACT).json
    assert employments_of(session, uuid.UUID(body["id"])) == []


def test_create_with_documented_consent(client):
    body = client.post("/api/v1/contacts", json=NEW_CONTACT | CONSENT).json
    assert (body["consent_given_on"], body["consent_source"]) == ("2024-05-02", "Formular")


def test_create_with_consent_requires_date_and_source(client, session):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT | {"legal_basis": "consent"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"consent_given_on", "consent_source"}
    assert session.scalar(select(Contact.id)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("family_name", "x" * 101),
        ("email", "not-an-email"),
        ("phone", "call me"),
        ("legal_basis", "legitimate_interest"),
        ("salutation", "sir"),
        ("status", "deleted"),
        ("preferred_language", "Arabic"),
        ("consent_given_on", "yesterday"),
        ("partner_id", NOWHERE),
    ],
)
def test_create_refuses_invalid_field(client, session, field, value):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT | {field: value})
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert session.scalar(select(Contact.id)) is None


def test_create_refuses_unknown_field(client):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT | {"birthday": "1980-01-01"})
    assert (response.status_code, response.json["errors"]) == (
        422,
        {"birthday": ["Unknown field."]},
    )


def test_create_refuses_read_only_id(client):
    response = client.post("/api/v1/contacts", json=NEW_CONTACT | {"id": str(uuid.uuid4())})
    assert (response.status_code, list(response.json["errors"])) == (422, ["id"])


def test_create_requires_family_name_and_legal_basis(client):
    response = client.post("/api/v1/contacts", json={"given_name": "Ayşe"})
    assert set(response.json["errors"]) == {"family_name", "legal_basis"}


# Read


def test_get_answers_the_contact_with_etag(client, session):
    contact = make_contact(session, family_name="Öztürk")
    response = client.get(f"/api/v1/contacts/{contact.id}")
    assert (response.json["family_name"], response.headers["ETag"]) == ("Öztürk", '"v1"')


def test_get_missing_contact_answers_404_problem(client):
    response = client.get(f"/api/v1/contacts/{NOWHERE}")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


# Change


def test_patch_changes_only_given_fields(client, session):
    contact = make_contact(session, family_name="Schäfer", given_name="Ayşe")
    body = patch(client, contact.id, {"family_name": "Yilmaz"}).json
    assert (body["family_name"], body["given_name"]) == ("Yilmaz", "Ayşe")


def test_patch_null_clears_optional_field(client, session):
    contact = make_contact(session, email="a.schaefer@example.org")
    assert patch(client, contact.id, {"email": None}).json["email"] is None


@pytest.mark.parametrize("field", ["family_name", "legal_basis", "status"])
def test_patch_null_is_refused_for_required_field(client, session, field):
    contact = make_contact(session)
    response = patch(client, contact.id, {field: None})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_patch_moves_the_etag(client, session):
    contact = make_contact(session)
    assert patch(client, contact.id, {"status": "archived"}).headers["ETag"] == '"v2"'


def test_patch_without_if_match_answers_428(client, session):
    contact = make_contact(session)
    response = client.patch(f"/api/v1/contacts/{contact.id}", json={"function": "Leitung"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    contact = make_contact(session, function="Beratung")
    response = patch(client, contact.id, {"function": "Leitung"}, etag='"v7"')
    session.expire_all()
    assert (response.status_code, session.get(Contact, contact.id).function) == (412, "Beratung")


def test_patch_to_consent_requires_date_and_source(client, session):
    contact = make_contact(session, legal_basis=LegalBasis.public_task)
    response = patch(client, contact.id, {"legal_basis": "consent"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"consent_given_on", "consent_source"}
    session.expire_all()
    assert session.get(Contact, contact.id).legal_basis == LegalBasis.public_task


def test_patch_to_consent_with_date_and_source(client, session):
    contact = make_contact(session, legal_basis=LegalBasis.public_task)
    assert patch(client, contact.id, CONSENT).json["legal_basis"] == "consent"


def test_patch_cannot_clear_the_consent_record(client, session):
    contact = make_contact(
        session,
        legal_basis=LegalBasis.consent,
        consent_given_on=date(2024, 5, 2),
        consent_source="F",
    )
    response = patch(client, contact.id, {"consent_source": None})
    assert (response.status_code, list(response.json["errors"])) == (422, ["consent_source"])


def test_patch_to_unknown_partner_answers_422(client, session):
    contact = make_contact(session)
    response = patch(client, contact.id, {"partner_id": NOWHERE})
    assert (response.status_code, list(response.json["errors"])) == (422, ["partner_id"])


def test_patch_of_partner_closes_and_opens_employment(client, session):
    old, new = make_partner(session), make_partner(session)
    contact = client.post("/api/v1/contacts", json=NEW_CONTACT | {"partner_id": str(old.id)}).json
    patch(client, contact["id"], {"partner_id": str(new.id)})
    today = date.today()
    assert employments_of(session, uuid.UUID(contact["id"])) == [
        (old.id, None, today, today),
        (new.id, None, today, None),
    ]


def test_patch_clearing_partner_closes_employment(client, session):
    partner = make_partner(session)
    contact = client.post("/api/v1/contacts", json=NEW_CONTACT | {"partner_id": str(partner.id)})
    patch(client, contact.json["id"], {"partner_id": None})
    today = date.today()
    assert employments_of(session, uuid.UUID(contact.json["id"])) == [
        (partner.id, None, today, today)
    ]


def test_patch_of_function_updates_open_employment(client, session):
    partner = make_partner(session)
    contact = client.post("/api/v1/contacts", json=NEW_CONTACT | {"partner_id": str(partner.id)})
    patch(client, contact.json["id"], {"function": "Leitung"})
    assert employments_of(session, uuid.UUID(contact.json["id"])) == [
        (partner.id, "Leitung", date.today(), None)
    ]


# Delete


def test_delete_erases_contact_and_employments(client, session):
    partner = make_partner(session)
    contact_id = client.post(
        "/api/v1/contacts", json=NEW_CONTACT | {"partner_id": str(partner.id)}
    ).json["id"]
    assert delete(client, contact_id).status_code == 204
    assert session.scalar(select(Contact.id)) is None
    assert employments_of(session, uuid.UUID(contact_id)) == []


def test_delete_without_if_match_answers_428(client, session):
    contact = make_contact(session)
    assert client.delete(f"/api/v1/contacts/{contact.id}").status_code == 428


def test_delete_contact_in_membership_answers_409_naming_it(client, session):
    contact = make_contact(session)
    membership = Membership(
        steering_group_id=make_group(session).id,
        partner_id=make_partner(session).id,
        deputy_contact_id=contact.id,
        role=MembershipRole.member,
        start_date=date(2016, 5, 1),
    )
    session.add(membership)
    session.flush()
    response = delete(client, contact.id)
    assert response.status_code == 409
    assert response.json["references"] == [
        {"resource": "membership", "id": str(membership.id), "via": "deputy_contact_id"}
    ]


def test_delete_coordinator_of_steering_group_answers_409_naming_it(client, session):
    contact = make_contact(session)
    group = make_group(session, coordinating_contact_id=contact.id)
    response = delete(client, contact.id)
    assert response.json["references"] == [
        {"resource": "steering_group", "id": str(group.id), "via": "coordinating_contact_id"}
    ]


def test_delete_signatory_of_agreement_answers_409_naming_it(client, session):
    contact = make_contact(session)
    agreement = Agreement(title="Migrantenklasse 18+", kind=AgreementKind.cooperation_agreement)
    session.add(agreement)
    session.flush()
    session.add(
        AgreementParty(
            agreement_id=agreement.id,
            partner_id=make_partner(session).id,
            role=PartyRole.party,
            signatory_contact_id=contact.id,
        )
    )
    session.flush()
    response = delete(client, contact.id)
    assert response.json["references"] == [
        {"resource": "agreement", "id": str(agreement.id), "via": "signatory_contact_id"}
    ]


# List


def test_list_sorts_by_family_name_ignoring_umlauts(client, session):
    for name in ("Peters", "Öztürk", "Nowak"):
        make_contact(session, family_name=name)
    assert family_names(client.get("/api/v1/contacts")) == ["Nowak", "Öztürk", "Peters"]


def test_list_sorts_descending(client, session):
    for name in ("Nowak", "Peters"):
        make_contact(session, family_name=name)
    response = client.get("/api/v1/contacts?sort=-family_name")
    assert family_names(response) == ["Peters", "Nowak"]


def test_list_filters_by_any_of_several_partners(client, session):
    first, second, other = (make_partner(session) for _ in range(3))
    make_contact(session, family_name="A", partner_id=first.id)
    make_contact(session, family_name="B", partner_id=second.id)
    make_contact(session, family_name="C", partner_id=other.id)
    response = client.get(f"/api/v1/contacts?partner_id={first.id}&partner_id={second.id}")
    assert family_names(response) == ["A", "B"]


def test_list_filters_by_status_and_legal_basis(client, session):
    make_contact(session, family_name="A", status=ContactStatus.archived)
    make_contact(session, family_name="B", legal_basis=LegalBasis.contract)
    make_contact(session, family_name="C", status=ContactStatus.archived, legal_basis="contract")
    response = client.get("/api/v1/contacts?status=archived&legal_basis=contract")
    assert family_names(response) == ["C"]


def test_list_filters_by_updated_since(client, session):
    make_contact(session)
    response = client.get("/api/v1/contacts?updated_since=2999-01-01T00:00:00Z")
    assert response.json["data"] == []


@pytest.mark.parametrize("query", ["q=schaefer", "colour=blue", "sort=email", "status=gone"])
def test_list_refuses_bad_query_parameter(client, query):
    response = client.get(f"/api/v1/contacts?{query}")
    assert (response.status_code, response.content_type) == (400, "application/problem+json")


def test_viewer_can_list(viewer, session):
    make_contact(session)
    assert viewer.get("/api/v1/contacts").json["pagination"]["total"] == 1


# Search


@pytest.mark.parametrize("q", ["schafer", "SCHÄFER", "schaefer", "ayse schä"])
def test_search_ignores_accents_and_case(client, session, q):
    make_contact(session, given_name="Ayşe", family_name="Schäfer")
    make_contact(session, given_name="Jan", family_name="Schulz")
    assert family_names(search(client, q=q)) == ["Schäfer"]


def test_search_finds_email_and_function(client, session):
    make_contact(session, family_name="A", email="kausa@example.org")
    make_contact(session, family_name="B", function="Leitung KAUSA-Servicestelle")
    make_contact(session, family_name="C")
    assert family_names(search(client, q="kausa")) == ["A", "B"]


def test_search_filters_by_partner(client, session):
    partner = make_partner(session)
    make_contact(session, family_name="Müller", partner_id=partner.id)
    make_contact(session, family_name="Müller")
    response = search(client, q="muller", partner_id=[str(partner.id)])
    assert [c["partner_id"] for c in response.json["data"]] == [str(partner.id)]


def test_search_pages(client, session):
    for name in ("Becker", "Bauer", "Braun"):
        make_contact(session, family_name=name)
    response = search(client, q="b", page=2, page_size=2)
    assert family_names(response) == ["Braun"]
    assert response.json["pagination"] == {"page": 2, "page_size": 2, "total": 3, "total_pages": 2}


def test_search_links_only_itself(client):
    links = search(client, q="x").json["links"]
    assert links == {"self": "http://localhost/api/v1/contacts/search"}


def test_search_refuses_unknown_field(client):
    response = search(client, name="Schäfer")
    assert (response.status_code, list(response.json["errors"])) == (422, ["name"])


def test_viewer_can_search(viewer, session):
    make_contact(session, family_name="Schäfer")
    assert family_names(search(viewer, q="schafer")) == ["Schäfer"]


# Employments


def test_employments_are_listed_oldest_first(client, session):
    old, new = make_partner(session), make_partner(session)
    contact = make_contact(session, partner_id=new.id, function="Leitung")
    session.add_all(
        [
            Employment(contact_id=contact.id, partner_id=new.id, start_date=date(2020, 1, 1)),
            Employment(
                contact_id=contact.id,
                partner_id=old.id,
                function="Beratung",
                start_date=date(2016, 5, 1),
                end_date=date(2019, 12, 31),
            ),
        ]
    )
    session.flush()
    data = client.get(f"/api/v1/contacts/{contact.id}/employments").json["data"]
    assert [(e["partner_id"], e["start_date"], e["end_date"]) for e in data] == [
        (str(old.id), "2016-05-01", "2019-12-31"),
        (str(new.id), "2020-01-01", None),
    ]


def test_employment_changed_today_comes_before_the_new_one(client, session):
    old, new = make_partner(session), make_partner(session)
    contact = client.post("/api/v1/contacts", json=NEW_CONTACT | {"partner_id": str(old.id)}).json
    patch(client, contact["id"], {"partner_id": str(new.id)})
    data = client.get(f"/api/v1/contacts/{contact['id']}/employments").json["data"]
    assert [e["partner_id"] for e in data] == [str(old.id), str(new.id)]


def test_employments_of_missing_contact_answer_404(client):
    assert client.get(f"/api/v1/contacts/{NOWHERE}/employments").status_code == 404


# Roles


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("patch", "/{id}"), ("delete", "/{id}")],
)
def test_viewer_cannot_write(viewer, session, method, path):
    contact = make_contact(session)
    response = getattr(viewer, method)(
        "/api/v1/contacts" + path.format(id=contact.id),
        json=NEW_CONTACT if method != "delete" else None,
        headers={"If-Match": '"v1"'},
    )
    assert response.status_code == 403


def test_anonymous_cannot_search(anonymous):
    assert search(anonymous, q="x").status_code == 401


def test_a_new_contact_s_lists_are_not_read_from_the_database(client, connection):
    client.get("/api/v1/contacts")  # a key's first use may record it
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    body = {"family_name": "Kaya", "legal_basis": "public_task"}
    assert client.post("/api/v1/contacts", json=body).status_code == 201
    assert [s for s in statements if "FROM employments" in s or "FROM consent_records" in s] == []

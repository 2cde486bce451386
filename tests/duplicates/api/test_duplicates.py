from crm.matching.records import name_sound
from tests.factories import make_contact, make_partner

CARITAS = {"name": "Caritas Trier", "kind": "welfare_association", "sector": "external"}
SCHAEFER = {"given_name": "Anna", "family_name": "Schaefer", "legal_basis": "public_task"}


def test_partner_pairs_come_with_score_and_reasons(client, session):
    first = make_partner(session, name="Caritasverband Trier e.V.")
    second = make_partner(session, name="CARITASVERBAND f. d. Region Trier")
    make_partner(session, name="Handwerkskammer Halle")
    session.commit()
    body = client.get("/api/v1/partners/duplicates").json
    [pair] = body["data"]
    assert {pair["first"]["id"], pair["second"]["id"]} == {str(first.id), str(second.id)}
    assert pair["score"] >= 0.85 and pair["reasons"]


def test_partner_pair_links_to_both_records(client, session):
    make_partner(session, name="Volkshochschule Trier")
    make_partner(session, name="VHS Trier")
    session.commit()
    [pair] = client.get("/api/v1/partners/duplicates").json["data"]
    assert pair["first"]["url"].endswith(f"/api/v1/partners/{pair['first']['id']}")


def test_pairs_are_strongest_first_and_paginated(client, session):
    make_partner(session, name="Diakonie Wittenberg", website="https://diakonie-wb.de")
    make_partner(session, name="Diakonisches Werk Wittenberg", website="https://diakonie-wb.de")
    make_partner(session, name="Caritas Trier")
    make_partner(session, name="Caritasverband Trier")
    session.commit()
    body = client.get("/api/v1/partners/duplicates?page_size=1").json
    assert body["pagination"]["total"] == 2
    assert "same website" in body["data"][0]["reasons"]
    assert "next" in body["links"]


def test_contact_pairs_by_sound_and_given_name(client, session):
    first = make_contact(session, given_name="Anna", family_name="Meier")
    second = make_contact(session, given_name="Anna", family_name="Mayer")
    make_contact(session, given_name="Hanna", family_name="Schulz")
    session.commit()
    [pair] = client.get("/api/v1/contacts/duplicates").json["data"]
    assert {pair["first"]["id"], pair["second"]["id"]} == {str(first.id), str(second.id)}


def test_unknown_filter_is_a_400(client):
    assert client.get("/api/v1/partners/duplicates?colour=red").status_code == 400


def test_creating_a_likely_duplicate_partner_answers_409_with_candidates(client, session):
    existing = make_partner(session, name="Caritasverband Trier e.V.")
    session.commit()
    response = client.post("/api/v1/partners", json=CARITAS)
    assert response.status_code == 409
    assert response.json["type"] == "urn:crm:problem:likely-duplicate"
    assert [c["id"] for c in response.json["candidates"]] == [str(existing.id)]


def test_allow_duplicate_creates_the_partner_anyway(client, session):
    make_partner(session, name="Caritasverband Trier e.V.")
    session.commit()
    response = client.post("/api/v1/partners?allow_duplicate=true", json=CARITAS)
    assert response.status_code == 201


def test_a_different_partner_is_created_without_question(client, session):
    make_partner(session, name="Caritasverband Trier e.V.")
    session.commit()
    other = CARITAS | {"name": "Diakonisches Werk Trier"}
    assert client.post("/api/v1/partners", json=other).status_code == 201


def test_same_website_makes_a_likely_duplicate(client, session):
    make_partner(session, name="Jugendmigrationsdienst Trier", website="https://www.jmd-trier.de")
    session.commit()
    body = CARITAS | {
        "name": "Jugendmigrationsdienst Trier-Saarburg",
        "website": "http://jmd-trier.de",
    }
    assert client.post("/api/v1/partners", json=body).status_code == 409


def test_creating_a_likely_duplicate_contact_answers_409(client, session):
    existing = make_contact(session, given_name="Anna", family_name="Schäfer")
    session.commit()
    response = client.post("/api/v1/contacts", json=SCHAEFER)
    assert response.status_code == 409
    assert response.json["candidates"][0]["id"] == str(existing.id)


def test_same_email_makes_a_likely_duplicate_contact(client, session):
    make_contact(session, given_name="A.", family_name="Yilmaz", email="a.yilmaz@example.org")
    session.commit()
    body = {"family_name": "Y\u0131lmaz", "email": "A.Yilmaz@example.org", "legal_basis": "consent"}
    response = client.post("/api/v1/contacts", json=body)
    assert response.status_code == 409


def test_another_person_of_the_same_family_is_created(client, session):
    make_contact(session, given_name="Anna", family_name="Schäfer")
    session.commit()
    body = SCHAEFER | {"given_name": "Bernd"}
    assert client.post("/api/v1/contacts", json=body).status_code == 201


def test_a_partner_is_looked_up_by_its_current_mail_domain_and_web_host(session):
    partner = make_partner(session, email="info@old-domain.de")
    partner.email, partner.website = "Beratung@JMD-Trier.de", "https://www.jmd-trier.de/kontakt"
    session.flush()
    assert (partner.mail_domain, partner.web_host) == ("jmd-trier.de", "jmd-trier.de")


def test_a_mail_provider_is_no_partner_s_domain(session):
    partner = make_partner(session, email="jmd.trier@web.de")
    assert partner.mail_domain is None


def test_a_contact_keeps_how_its_current_family_name_sounds(session):
    contact = make_contact(session, given_name="Anna", family_name="Meier")
    contact.family_name = "Schäfer"
    session.flush()
    assert contact.family_sound == name_sound("Schäfer")


def test_a_contact_whose_family_name_sounds_alike_is_a_candidate(client, session):
    stored = make_contact(session, given_name="Anna", family_name="Meyer")
    session.commit()
    body = {"given_name": "Anna", "family_name": "Maier", "legal_basis": "public_task"}
    response = client.post("/api/v1/contacts", json=body)
    assert [c["id"] for c in response.json["candidates"]] == [str(stored.id)]


def test_a_stored_address_in_other_letter_case_makes_a_candidate(client, session):
    stored = make_contact(session, given_name="Anna", family_name="Meyer", email="A.Meyer@JMD.de")
    session.commit()
    body = {"family_name": "Kurz", "email": "a.meyer@jmd.de", "legal_basis": "public_task"}
    response = client.post("/api/v1/contacts", json=body)
    assert [c["id"] for c in response.json["candidates"]] == [str(stored.id)]

from itertools import count

from tests.changes.feed import about, follow
from tests.factories import make_partner

_numbers = count(1)


def _create_partner(client) -> str:
    partner = {"name": f"Jobcenter {next(_numbers)}", "kind": "job_centre", "sector": "external"}
    return client.post("/api/v1/partners", json=partner).get_json()["id"]


def test_a_created_partner_is_in_the_feed_with_its_field_names(client):
    partner_id = _create_partner(client)
    (change,) = about(follow(client), partner_id)
    assert change["event_type"] == "partner.create"
    assert {"name", "kind", "sector"} <= set(change["changed_fields"])


def test_an_update_names_only_the_fields_that_changed(client):
    partner_id = _create_partner(client)
    client.patch(
        f"/api/v1/partners/{partner_id}", json={"town": "Bitterfeld"}, headers={"If-Match": '"v1"'}
    )
    assert about(follow(client), partner_id)[-1]["changed_fields"] == ["town"]


def test_a_delete_leaves_a_tombstone_without_fields(client, session):
    partner = make_partner(session)
    client.delete(f"/api/v1/partners/{partner.id}", headers={"If-Match": '"v1"'})
    (tombstone,) = about(follow(client), partner.id)
    assert (tombstone["action"], tombstone["changed_fields"]) == ("delete", [])


def test_contacts_changes_carry_no_personal_data(client, session):
    partner = make_partner(session)
    contact = {
        "family_name": "Kowalczyk",
        "email": "a.kowalczyk@example.org",
        "partner_id": str(partner.id),
    }
    contact_id = client.post(
        "/api/v1/contacts", json=contact | {"legal_basis": "public_task"}
    ).get_json()["id"]
    response = client.get("/api/v1/changes", query_string={"resource_type": "contact"})
    assert contact_id in response.text
    assert "Kowalczyk" not in response.text and "yilmaz" not in response.text


def test_following_page_by_page_neither_skips_nor_repeats(client):
    created = [_create_partner(client) for _ in range(7)]
    changes = about(follow(client, page_size=2), *created)
    assert [c["resource_id"] for c in changes] == created


def test_a_caller_at_the_end_gets_its_cursor_back(client):
    _create_partner(client)
    end = client.get("/api/v1/changes", query_string={"page_size": 1000}).get_json()
    again = client.get("/api/v1/changes", query_string={"cursor": end["next_cursor"]})
    assert again.get_json()["data"] == []
    assert again.get_json()["next_cursor"] == end["next_cursor"]


def test_a_cursor_the_feed_did_not_make_is_a_400(client):
    response = client.get("/api/v1/changes", query_string={"cursor": "MDAx"})
    assert response.status_code == 400
    assert "cursor" in response.get_json()["errors"]

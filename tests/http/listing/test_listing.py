"""Pages for large lists: keyset cursors on deep pages, capped totals, statement budget."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from crm.http.listing import pages as listing
from tests.factories import make_partner, topic


@pytest.fixture
def ten_partners(session):
    return [make_partner(session, name=f"Partner {n:02}") for n in range(10)]


@pytest.fixture
def keyset_early(monkeypatch):
    """Cursors from the second page on, so that ten partners are a 'large' list."""
    monkeypatch.setattr(listing, "KEYSET_FROM", 2)


def names(response) -> list[str]:
    return [partner["name"] for partner in response.json["data"]]


def follow(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        response = client.get(url)
        pages.append(names(response))
        url = response.json["links"].get("next")
    return pages


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_deep_next_link_carries_a_cursor(client, ten_partners, keyset_early):
    links = client.get("/api/v1/partners?page_size=2&page=2").json["links"]
    assert query_of(links["next"])["page"] == ["3"] and "cursor" in query_of(links["next"])


def test_shallow_next_link_has_no_cursor(client, ten_partners):
    links = client.get("/api/v1/partners?page_size=2").json["links"]
    assert "cursor" not in query_of(links["next"])


def test_pages_by_cursor_are_the_pages_by_offset(client, ten_partners, keyset_early):
    by_link = follow(client, "/api/v1/partners?page_size=3&sort=-name")
    by_offset = [
        names(client.get(f"/api/v1/partners?page_size=3&sort=-name&page={n}")) for n in range(1, 5)
    ]
    assert by_link == by_offset


def test_cursor_of_another_query_is_ignored(client, ten_partners, keyset_early):
    cursor = query_of(client.get("/api/v1/partners?page_size=2&page=2").json["links"]["next"])
    response = client.get(
        "/api/v1/partners", query_string={"page_size": 2, "page": 3, "sort": "-name", **cursor}
    )
    assert names(response) == ["Partner 05", "Partner 04"]


def test_garbled_cursor_is_ignored(client, ten_partners):
    response = client.get("/api/v1/partners?page_size=2&cursor=not-a-cursor")
    assert names(response) == ["Partner 00", "Partner 01"]


def test_total_is_exact_up_to_the_count_limit(client, ten_partners):
    pagination = client.get("/api/v1/partners").json["pagination"]
    assert (pagination["total"], "total_is_estimate" in pagination) == (10, False)


def test_total_beyond_the_count_limit(client, ten_partners, monkeypatch, database_url):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    pagination = client.get("/api/v1/partners?page_size=2").json["pagination"]
    if database_url.startswith("postgresql"):
        assert pagination["total_is_estimate"] is True and pagination["total"] >= 4
    else:  # SQLite holds a district's data: it counts
        assert (pagination["total"], "total_is_estimate" in pagination) == (10, False)


def test_next_link_is_exact_even_when_the_total_is_estimated(client, ten_partners, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    assert sum(map(len, follow(client, "/api/v1/partners?page_size=4"))) == 10


def test_page_past_the_end_is_empty_with_the_total(client, ten_partners):
    body = client.get("/api/v1/partners?page=9").json
    assert (body["data"], body["pagination"]["total"]) == ([], 10)


def test_list_costs_one_statement_besides_the_key(client, session, connection):
    language = topic(session, "language")
    for _ in range(30):
        make_partner(session, topics=[language])
    client.get("/api/v1/partners")  # a key's first use may record it
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/api/v1/partners?page_size=100")
    queries = [s for s in statements if "SAVEPOINT" not in s]
    assert len(queries) == 2  # the key, then the page with its links and total


def test_get_costs_one_statement_besides_the_key(client, session, connection):
    partner = make_partner(session, topics=[topic(session, "language")])
    client.get(f"/api/v1/partners/{partner.id}")
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get(f"/api/v1/partners/{partner.id}")
    assert len([s for s in statements if "SAVEPOINT" not in s]) == 2


def test_nul_in_a_filter_is_400_naming_it(client):
    response = client.get("/api/v1/partners", query_string={"q": "a\x00b"})
    assert (response.status_code, list(response.json["errors"])) == (400, ["q"])

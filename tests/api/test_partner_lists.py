"""Listing partners: the envelope, filters, search, sorting and statement counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from crm.models import Membership, Municipality, SteeringGroup
from crm.models.enums import MembershipRole, PartnerStatus, Sector, SteeringGroupKind
from tests.factories import make_partner, topic


def names(response) -> list[str]:
    return [partner["name"] for partner in response.json["data"]]


def test_list_is_an_envelope_with_pagination(client, session):
    for _ in range(3):
        make_partner(session)
    body = client.get("/api/v1/partners?page_size=2").json
    assert body["pagination"] == {"page": 1, "page_size": 2, "total": 3, "total_pages": 2}


def test_links_are_absolute_and_keep_the_filters(client, session):
    for _ in range(3):
        make_partner(session)
    links = client.get("/api/v1/partners?page_size=2&sector=external").json["links"]
    assert links["next"] == "http://localhost/api/v1/partners?page_size=2&sector=external&page=2"


def test_first_page_has_no_prev_and_last_page_no_next(client, session):
    for _ in range(3):
        make_partner(session)
    first = client.get("/api/v1/partners?page_size=2").json["links"]
    last = client.get("/api/v1/partners?page_size=2&page=2").json["links"]
    assert ("prev" not in first, "next" not in last) == (True, True)


def test_filter_by_sector(client, session):
    make_partner(session, name="Jugendamt", sector=Sector.internal)
    make_partner(session, name="IHK", sector=Sector.external)
    assert names(client.get("/api/v1/partners?sector=internal")) == ["Jugendamt"]


def test_repeated_filter_means_any_of(client, session):
    make_partner(session, name="IHK", kind="chamber")
    make_partner(session, name="Jobcenter", kind="job_centre")
    make_partner(session, name="Caritas", kind="welfare_association")
    response = client.get("/api/v1/partners?kind=chamber&kind=job_centre")
    assert names(response) == ["IHK", "Jobcenter"]


def test_filter_by_status(client, session):
    make_partner(session, name="Alt", status=PartnerStatus.archived)
    make_partner(session, name="Neu")
    assert names(client.get("/api/v1/partners?status=archived")) == ["Alt"]


def test_filter_by_topic(client, session):
    language = topic(session, "language")
    make_partner(session, name="Sprachschule", topics=[language])
    make_partner(session, name="IHK")
    assert names(client.get(f"/api/v1/partners?topic_id={language.id}")) == ["Sprachschule"]


def test_filter_by_municipality_served(client, session):
    norden = Municipality(code="norden", label_de="Norden", label_en="Norden")
    session.add(norden)
    make_partner(session, name="VHS Norden", municipalities=[norden])
    make_partner(session, name="VHS Aurich")
    assert names(client.get(f"/api/v1/partners?municipality_id={norden.id}")) == ["VHS Norden"]


def test_unknown_enum_in_filter_is_400(client):
    assert client.get("/api/v1/partners?sector=space").status_code == 400


@pytest.mark.parametrize("query", ["jugendforderung", "Jugendförderung", "JUGENDFOERDERUNG"])
def test_search_ignores_accents_and_case(client, session, query):
    make_partner(session, name="Jugendförderung Trier")
    make_partner(session, name="IHK Trier")
    assert names(client.get(f"/api/v1/partners?q={query}")) == ["Jugendförderung Trier"]


def test_search_finds_sharp_s_spelled_out(client, session):
    make_partner(session, name="Beratung Große Straße")
    assert names(client.get("/api/v1/partners?q=strasse")) == ["Beratung Große Straße"]


def test_search_treats_wildcards_literally(client, session):
    make_partner(session, name="IHK")
    assert names(client.get("/api/v1/partners?q=%25")) == []


def test_sort_by_name_puts_umlauts_with_their_letter(client, session):
    for name in ("Zentrum", "Ärztekammer", "Bildungswerk"):
        make_partner(session, name=name)
    assert names(client.get("/api/v1/partners?sort=name")) == [
        "Ärztekammer",
        "Bildungswerk",
        "Zentrum",
    ]


def test_sort_descending(client, session):
    for name in ("A", "B"):
        make_partner(session, name=name)
    assert names(client.get("/api/v1/partners?sort=-name")) == ["B", "A"]


def test_sort_by_unknown_field_is_400(client):
    response = client.get("/api/v1/partners?sort=secret")
    assert (response.status_code, list(response.json["errors"])) == (400, ["sort"])


def test_equal_sort_keys_are_ordered_by_id(client, session):
    partners = [make_partner(session, name="Gleich") for _ in range(3)]
    response = client.get("/api/v1/partners?sort=name")
    assert [p["id"] for p in response.json["data"]] == sorted(str(p.id) for p in partners)


def test_updated_since_leaves_out_older_changes(client, session):
    old = make_partner(session, name="Alt")
    old.updated_at = datetime(2020, 1, 1, tzinfo=UTC)
    make_partner(session, name="Neu")
    session.flush()
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert names(client.get("/api/v1/partners", query_string={"updated_since": since})) == ["Neu"]


def test_list_statement_count_does_not_grow_with_the_page(client, session, connection):
    language = topic(session, "language")
    for _ in range(100):
        make_partner(session, topics=[language])
    client.get("/api/v1/partners?page_size=1")  # the key's first use is noted (crm.http.auth)
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client.get("/api/v1/partners?page_size=5")
    small_page = len(statements)
    statements.clear()
    body = client.get("/api/v1/partners?page_size=100").json
    assert len(body["data"]) == 100
    assert len(statements) == small_page


def test_filter_by_steering_group_counts_only_current_members(client, session):
    group = SteeringGroup(name="Runder Tisch", kind=SteeringGroupKind.round_table)
    session.add(group)
    today = date.today()
    for name, start, end in (
        ("Aktuell", today - timedelta(days=30), None),
        ("Ausgeschieden", today - timedelta(days=30), today - timedelta(days=1)),
        ("Kommt noch", today + timedelta(days=30), None),
    ):
        partner = make_partner(session, name=name)
        session.add(
            Membership(
                steering_group=group,
                partner_id=partner.id,
                role=MembershipRole.member,
                start_date=start,
                end_date=end,
            )
        )
    session.flush()
    assert names(client.get(f"/api/v1/partners?steering_group_id={group.id}")) == ["Aktuell"]

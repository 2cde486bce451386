"""Statements built once per shape (crm.http.listing.shapes): each request binds its own values."""

import uuid

from sqlalchemy import column, select

from crm.http.listing.shapes import Shapes
from crm.models import Partner, Topic
from tests.factories import make_partner, topic


def test_parts_of_one_shape_are_built_once():
    shapes, built = Shapes(), []
    for value in (1, 2):
        shapes.get({"where": [column("a") == value]}, "form", built.append)
    assert len(built) == 1


def test_each_call_gets_its_own_values():
    shapes = Shapes()
    shapes.get({"where": [column("a") == 1]}, "form", lambda parts: None)
    _, values = shapes.get({"where": [column("a") == 2]}, "form", lambda parts: None)
    assert values == {"v0": 2}


def test_what_is_built_binds_the_values_by_those_names():
    shapes = Shapes()
    built, _ = shapes.get(
        {"where": [column("a") == 1]}, "form", lambda parts: select(1).where(*parts["where"])
    )
    assert "a = :v0" in str(built)


def test_another_form_is_built_anew():
    shapes, built = Shapes(), []
    for form in ("ascending", "descending"):
        shapes.get({"where": [column("a") == 1]}, form, built.append)
    assert len(built) == 2


def test_an_unhashable_form_is_built_every_time():
    shapes, built = Shapes(), []
    for _ in range(2):
        shapes.get({"where": [column("a") == 1]}, (["a", "list"],), built.append)
    assert len(built) == 2


def test_a_full_cache_starts_over():
    shapes, built = Shapes(size=1), []
    for name in ("a", "b", "a"):
        shapes.get({"where": [column(name) == 1]}, "form", built.append)
    assert len(built) == 3


def test_a_list_filtered_twice_answers_each_filter(client, session):
    make_partner(session, name="Kammer", kind="chamber")
    make_partner(session, name="Schule", kind="school")
    first = client.get("/api/v1/partners?kind=chamber").json["data"]
    second = client.get("/api/v1/partners?kind=school").json["data"]
    assert [p["name"] for p in first + second] == ["Kammer", "Schule"]


def test_a_search_repeated_with_other_words_finds_those(client, session):
    make_partner(session, name="Caritas Trier")
    make_partner(session, name="Diakonie Mainz")
    client.get("/api/v1/partners?q=caritas")
    assert [p["name"] for p in client.get("/api/v1/partners?q=mainz").json["data"]] == [
        "Diakonie Mainz"
    ]


def test_a_list_filtered_twice_by_a_link_answers_each_filter(client, session):
    language, work = topic(session, "language"), topic(session, "labour_market")
    make_partner(session, name="Sprachschule", topics=[language])
    make_partner(session, name="Jobcenter", topics=[work])
    first = client.get(f"/api/v1/partners?topic_id={language.id}").json["data"]
    second = client.get(f"/api/v1/partners?topic_id={work.id}").json["data"]
    assert [p["name"] for p in first + second] == ["Sprachschule", "Jobcenter"]


def test_a_value_inside_any_makes_the_parts_built_every_time():
    shapes, built = Shapes(), []
    for value in (uuid.uuid4(), uuid.uuid4()):
        parts = {"where": [Partner.topics.any(Topic.id.in_([value]))]}
        shapes.get(parts, "form", lambda named: built.append(named) or named)
    assert len(built) == 2

"""A query parameter that takes one value, given twice, is a 400 naming it; list-valued
filters may repeat ("any of")."""

import pytest


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page_size=5&page_size=50", "page_size"),
        ("q=Caritas&q=Diakonie", "q"),
        ("sort=name&sort=-name", "sort"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400(client, query, parameter):
    response = client.get(f"/api/v1/partners?{query}")
    assert (response.status_code, response.content_type) == (400, "application/problem+json")
    assert list(response.json["errors"]) == [parameter]


def test_a_repeated_cursor_of_the_change_feed_is_a_400(client):
    response = client.get("/api/v1/changes?cursor=a&cursor=b")
    assert (response.status_code, list(response.json["errors"])) == (400, ["cursor"])


def test_a_list_valued_filter_may_repeat(client):
    assert client.get("/api/v1/partners?sector=internal&sector=external").status_code == 200

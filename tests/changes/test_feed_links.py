"""The feed's links are URIs, whatever the query held."""

from urllib.parse import parse_qs, urlsplit


def test_the_self_link_is_a_uri_with_the_query_escaped(admin):
    response = admin.get("/api/v1/changes", query_string={"resource_type": "Träger <x>"})
    link = response.json["links"]["self"]
    assert link.isascii() and " " not in link and "<" not in link
    assert parse_qs(urlsplit(link).query)["resource_type"] == ["Träger <x>"]

"""Every `pattern` the committed contract publishes, read by an ECMA-262 engine (the Rust
`regress`, as JSON Schema validators, Swagger UI and generated clients read it): it
compiles under the `u` flag, and accepts exactly what the server's check accepts, on
values drawn from the pattern itself, their near misses (a trailing newline, a literal
`Z`, another script's digits, one character less or more) and arbitrary text."""

import json
import string
from pathlib import Path

import pytest
import regress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm.blueprints  # noqa: F401  (defines every pattern the endpoints use)
from crm.http.patterns import Pattern

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _published(node) -> set[str]:
    """Every string under a `pattern` key, anywhere in the document."""
    if isinstance(node, list):
        return set().union(*map(_published, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
    return found.union(*(_published(value) for value in node.values()))


PUBLISHED = sorted(_published(json.loads(COMMITTED.read_text())))


def test_the_contract_publishes_patterns():
    assert len(PUBLISHED) >= 10


@pytest.mark.parametrize("source", PUBLISHED, ids=lambda source: source[:40])
def test_every_published_pattern_is_the_one_the_server_checks(source):
    assert source in Pattern.defined, "make it a crm.http.patterns.Pattern"


def _near_misses(value: str) -> list[str]:
    other_digits = value.translate(str.maketrans(string.digits, "٠١٢٣٤٥٦٧٨٩"))
    return [
        value + "\n",
        "\n" + value,
        value + "Z",
        value[:-1] + "Z",
        value[:-1],
        value[1:],
        value + value[-1:],
        other_digits,
        value.upper(),
        value.replace(" ", "\u00a0"),
    ]


def _samples(pattern: Pattern) -> st.SearchStrategy[str]:
    accepted = st.from_regex(pattern.regex, fullmatch=True)
    return st.one_of(
        accepted,
        accepted.flatmap(lambda value: st.sampled_from([value, *_near_misses(value)])),
        st.text(max_size=20),
    )


@pytest.mark.parametrize("source", PUBLISHED, ids=lambda source: source[:40])
def test_an_ecma_262_engine_accepts_what_the_server_accepts(source):
    ecma = regress.Regex(source, "u")  # a syntax error in ECMA-262 fails here
    pattern = Pattern.defined[source]

    @settings(
        max_examples=150,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(_samples(pattern))
    def agree(value: str) -> None:
        assert (ecma.find(value) is not None) == pattern.accepts(value), repr(value)

    agree()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partners?sort=name%0A",
        "/api/v1/partners?sort=%20name",
        "/api/v1/changes?cursor=1-1%0A",
    ],
)
def test_the_server_refuses_in_a_query_what_the_published_pattern_refuses(client, path):
    response = client.get(path)
    assert response.status_code == 400, response.json


def test_the_server_refuses_in_a_body_what_the_published_pattern_refuses(client):
    body = {"name": "IHK", "kind": "chamber", "sector": "external", "postal_code": "١٢٣٤٥"}
    response = client.post("/api/v1/partners", json=body)
    assert response.status_code == 422, response.json

"""Hostile input gets a 4xx problem naming what is wrong, never a 500 and never a silent
change of the value: walked over every operation of the published document, so that a
new operation is covered the day it is published."""

import json
import uuid
from collections.abc import Iterator

import pytest

from crm.blueprints import openapi_document
from crm.http.json_body import MAX_DEPTH

# Text whose name says it is prose may span lines; every other text is one line.
PROSE = {"notes", "description", "purpose", "text"}
# Instants that exist with their offset but not in UTC.
OUTSIDE_UTC = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture(scope="module")
def document(app) -> dict:
    return json.loads(json.dumps(openapi_document(app)))


def _operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, operations in document["paths"].items():
        filled = path
        for name in [part.split("}")[0] for part in path.split("{")[1:]]:
            filled = filled.replace(f"{{{name}}}", str(uuid.uuid4()))
        for method, operation in operations.items():
            if method != "parameters":
                yield method, filled, operation


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _json_bodies(document: dict) -> Iterator[tuple[str, str, dict]]:
    """(method, path, properties one may send) of every operation with a JSON body."""
    for method, path, operation in _operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            schema = _resolve(document, content["application/json"]["schema"])
            writable = {
                name: _resolve(document, field)
                for name, field in schema.get("properties", {}).items()
                if not field.get("readOnly")
            }
            yield method, path, writable


def _types(field: dict) -> set[str]:
    kind = field.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def _send(client, method: str, path: str, body: str | None, **headers):
    headers = {"If-Match": '"v1"', **headers}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    return client.open(path, method=method.upper(), data=body, headers=headers)


def _answers(client, document, fields_of, value) -> list[tuple[str, str, str, int, list]]:
    """Each field that `fields_of` picks, sent alone with `value`: (method, path, field,
    status, the fields the answer names)."""
    answers = []
    for method, path, writable in _json_bodies(document):
        for name, field in writable.items():
            if fields_of(name, field):
                response = _send(client, method, path, json.dumps({name: value}))
                named = list((response.get_json() or {}).get("errors", {}))
                answers.append((method, path, name, response.status_code, named))
    return answers


def _unrefused(answers, status: int) -> list:
    bad = [a for a in answers if a[3] != status or a[2] not in a[4]]
    print("UNREFUSED", bad)
    return bad


def test_every_json_body_names_the_field_with_a_lone_surrogate(admin, document):
    answers = _answers(admin, document, lambda _n, f: "string" in _types(f), "\ud800")
    assert answers
    assert _unrefused(answers, 422) == []


def test_every_text_refuses_control_characters(admin, document):
    answers = _answers(admin, document, lambda _n, f: "string" in _types(f), "Glocke\a")
    assert _unrefused(answers, 422) == []


def test_every_line_of_text_refuses_line_breaks(admin, document):
    def lines(name: str, field: dict) -> bool:
        return "string" in _types(field) and name not in PROSE

    answers = _answers(admin, document, lines, "Quartalsbericht\r\nBcc: x@example.org")
    assert _unrefused(answers, 422) == []


def test_every_integer_refuses_a_fraction(admin, document):
    answers = _answers(admin, document, lambda _n, f: "integer" in _types(f), 1.5)
    assert answers
    assert _unrefused(answers, 422) == []


@pytest.mark.parametrize("instant", OUTSIDE_UTC)
def test_every_body_instant_must_exist_in_utc(admin, document, instant):
    answers = _answers(admin, document, lambda _n, f: f.get("format") == "date-time", instant)
    assert answers
    assert _unrefused(answers, 422) == []


@pytest.mark.parametrize("instant", OUTSIDE_UTC)
def test_every_query_instant_must_exist_in_utc(admin, document, instant):
    answers = []
    for method, path, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            schema = _resolve(document, parameter.get("schema", {}))
            if parameter["in"] == "query" and schema.get("format") == "date-time":
                response = admin.open(
                    path, method=method.upper(), query_string={parameter["name"]: instant}
                )
                named = list((response.get_json() or {}).get("errors", {}))
                answers.append((method, path, parameter["name"], response.status_code, named))
    assert answers
    assert _unrefused(answers, 400) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"name": ' + "9" * 5000 + "}", "more digits"),
        ("[" * 10_000 + "]" * 10_000, "Nested deeper"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "Nested deeper"),
        ('{"name": 1e999}', "too large"),
        ('{"name": NaN}', "not JSON"),
    ],
    ids=["5000-digit integer", "10000 deep", "one too deep", "1e999", "NaN"],
)
def test_every_json_body_refuses_what_json_cannot_carry(admin, document, body, reason):
    answers = [
        (method, path, _send(admin, method, path, body))
        for method, path, _fields in _json_bodies(document)
    ]
    assert [
        (method, path, response.status_code)
        for method, path, response in answers
        if response.status_code != 400 or reason not in response.json["detail"]
    ] == []


def test_every_json_body_is_required(admin, document):
    statuses = {
        (method, path): _send(admin, method, path, None).status_code
        for method, path, _fields in _json_bodies(document)
    }
    assert set(statuses.values()) == {400}


def test_every_json_body_must_be_json(admin, document):
    statuses = {
        (method, path): _send(
            admin, method, path, "name=x", **{"Content-Type": "text/plain"}
        ).status_code
        for method, path, _fields in _json_bodies(document)
    }
    assert set(statuses.values()) == {415}

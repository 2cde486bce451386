"""Answers to authenticated requests say how much of the rate limit is left, in the IETF
fields `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-11:
Structured Field lists of a quoted policy name with integer parameters), and the contract
documents them on every answer that can carry them."""

import json
import re
from pathlib import Path

import pytest

from crm.http.rate_limit import RateLimit

DOCUMENT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text())
# One list member: sf-string, then `;key=integer` parameters (RFC 9651).
MEMBER = re.compile(r'"(?P<name>[^"\\]*)"(?P<parameters>(;[a-z][a-z0-9_.*-]*=\d+)+)')


def parse(field: str) -> dict[str, dict[str, int]]:
    """An RFC 9651 list of strings with integer parameters, as {name: {key: value}}."""
    members = {}
    for member in field.split(", "):
        match = MEMBER.fullmatch(member)
        assert match, f"not a member of the draft's syntax: {member!r}"
        pairs = (p.split("=") for p in match["parameters"].lstrip(";").split(";"))
        members[match["name"]] = {key: int(value) for key, value in pairs}
    return members


@pytest.fixture
def limit_to(app, monkeypatch):
    def configure(limits: str) -> None:
        monkeypatch.setitem(app.extensions, "crm.rate_limit", RateLimit(limits, "memory://"))

    return configure


def test_an_answer_says_the_policy_and_what_remains(limit_to, viewer):
    limit_to("5/second;100/minute")
    viewer.get("/api/v1/partners")
    response = viewer.get("/api/v1/partners")
    policy = parse(response.headers["RateLimit-Policy"])
    assert policy == {"5 per 1 second": {"q": 5, "w": 1}, "100 per 1 minute": {"q": 100, "w": 60}}
    left = parse(response.headers["RateLimit"])
    assert left["100 per 1 minute"]["r"] == 98
    assert 0 <= left["100 per 1 minute"]["t"] <= 60


def test_the_429_says_nothing_remains(limit_to, viewer):
    limit_to("1/minute")
    viewer.get("/api/v1/partners")
    response = viewer.get("/api/v1/partners")
    assert response.status_code == 429
    assert parse(response.headers["RateLimit"])["1 per 1 minute"]["r"] == 0


def test_an_unauthenticated_answer_has_no_fields(limit_to, anonymous):
    limit_to("5/minute")
    response = anonymous.get("/api/v1/partners")
    assert response.status_code == 401 and "RateLimit" not in response.headers


def test_every_answer_after_authentication_documents_the_fields():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            for status, response in operation["responses"].items():
                if not path.startswith("/api/v1/") or status == "401":
                    continue
                if "$ref" in response:
                    response = DOCUMENT["components"]["responses"][response["$ref"].split("/")[-1]]
                headers = response.get("headers", {})
                assert {"RateLimit", "RateLimit-Policy"} <= set(headers), (path, method, status)

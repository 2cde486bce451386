"""Every answer carries the headers that keep browsers from misusing it (crm.http.security_headers),
every answer of the API is kept out of caches, and every 405 says what is allowed: walked
over every path of the published document."""

import json
import uuid
from collections.abc import Iterator

import pytest

from crm.blueprints import openapi_document

METHODS = ("get", "post", "put", "patch", "delete")
PAGES = ("/docs", "/network", "/healthz", "/docs/assets/swagger-ui.css", "/no-such-page")


@pytest.fixture(scope="module")
def paths(app) -> dict[str, set[str]]:
    """Each path of the document, its ids filled in, with its methods."""
    document = json.loads(json.dumps(openapi_document(app)))
    filled = {}
    for path, operations in document["paths"].items():
        for name in [part.split("}")[0] for part in path.split("{")[1:]]:
            path = path.replace(f"{{{name}}}", str(uuid.uuid4()))
        filled[path] = {method for method in operations if method in METHODS}
    return filled


def _answers(client, paths) -> Iterator:
    """Each GET of the document, and the pages, answered (and closed)."""
    for path in [path for path, methods in paths.items() if "get" in methods] + list(PAGES):
        with client.get(path) as response:
            yield response


def test_every_answer_carries_the_protective_headers(viewer, paths):
    unprotected = []
    for response in _answers(viewer, paths):
        policy = response.headers.get("Content-Security-Policy", "")
        if (
            response.headers.get("X-Content-Type-Options") != "nosniff"
            or response.headers.get("X-Frame-Options") != "DENY"
            or response.headers.get("Referrer-Policy") != "no-referrer"
            or "default-src 'self'" not in policy
            or "frame-ancestors 'none'" not in policy
            or "unsafe-" in policy
        ):
            unprotected.append(response.request.path)
    assert unprotected == []


@pytest.mark.parametrize("role", ["viewer", None])
def test_no_answer_of_the_api_may_be_stored(client_for, paths, role):
    stored = [
        (response.request.path, response.status_code)
        for response in _answers(client_for(role), paths)
        if response.request.path.startswith("/api/")
        and response.request.path != "/api/v1/openapi.json"
        and response.headers.get("Cache-Control") != "no-store"
    ]
    assert stored == []


def test_the_published_document_may_be_cached(viewer):
    response = viewer.get("/api/v1/openapi.json")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_405_names_the_allowed_methods(admin, paths):
    wrong = []
    for path, methods in paths.items():
        other = next(method for method in METHODS if method not in methods)
        response = admin.open(path, method=other.upper())
        allowed = {m.strip().lower() for m in response.headers.get("Allow", "").split(",")}
        if response.status_code != 405 or allowed - {"head", "options", ""} != methods:
            wrong.append((other, path, response.status_code, response.headers.get("Allow")))
    assert wrong == []

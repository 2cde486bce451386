"""The committed contract is what the code generates, is valid OpenAPI 3.1, and is served
with a Swagger UI that loads nothing from third parties."""

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from crm.blueprints import openapi_document

COMMITTED = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


@pytest.fixture(scope="module")
def spec(app):
    return json.loads(json.dumps(openapi_document(app)))


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_committed_spec_matches_the_code(spec):
    assert json.loads(COMMITTED.read_text()) == spec, "run `make openapi` and commit the result"


def test_spec_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_operation_has_a_summary(spec):
    assert [(p, m) for p, m, op in _operations(spec) if not op.get("summary")] == []


def test_every_write_to_an_item_requires_if_match(spec):
    missing = [
        (path, method)
        for path, method, operation in _operations(spec)
        if method in ("patch", "delete")
        and "If-Match" not in [p["name"] for p in operation.get("parameters", [])]
    ]
    assert missing == []


def test_errors_are_documented_as_problem_json(spec):
    not_found = spec["components"]["responses"]["NOT_FOUND"]
    assert list(not_found["content"]) == ["application/problem+json"]


def test_spec_is_served_publicly(anonymous, spec):
    assert anonymous.get("/api/v1/openapi.json").json["paths"] == spec["paths"]


def test_swagger_ui_is_served_from_the_app_itself(anonymous):
    page = anonymous.get("/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/docs/") for source in sources)
    for source in sources:
        with anonymous.get(source) as asset:
            assert asset.status_code == 200, source


def test_swagger_ui_assets_are_served(anonymous):
    with anonymous.get("/docs/assets/swagger-ui-bundle.js") as response:
        assert (response.status_code, response.mimetype) == (200, "text/javascript")

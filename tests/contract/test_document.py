"""The committed contract says what a generated client needs: an `operationId` on every
operation, the headers the server sends, the media types it accepts, bounds it keeps."""

import json
import re
from pathlib import Path

import pytest

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
SPEC = json.loads(COMMITTED.read_text())
OPERATIONS = [
    (path, method, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]


def test_every_operation_has_a_unique_readable_operation_id():
    ids = [operation.get("operationId", "") for _, _, operation in OPERATIONS]
    assert [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)+", i)] == []
    assert len(set(ids)) == len(ids) == len(OPERATIONS)


def test_operation_ids_read_as_what_they_do():
    named = {(path, method): op["operationId"] for path, method, op in OPERATIONS}
    assert [named[("/api/v1/partners", "get")], named[("/api/v1/partners", "post")]] == [
        "listPartners",
        "createPartner",
    ]
    item = "/api/v1/partners/{partner_id}"
    assert [named[(item, m)] for m in ("get", "patch", "delete")] == [
        "getPartner",
        "updatePartner",
        "deletePartner",
    ]


def _headers(response: dict) -> set[str]:
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return set(response.get("headers", {}))


def test_response_headers_are_documented_where_they_are_sent():
    missing = []
    for path, method, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            expected = {"X-Request-ID"}
            if status == "201":
                expected |= {"ETag", "Location"}
            if status.startswith("2") and method == "post":
                expected.add("Idempotent-Replayed")
            if status == "429":
                expected.add("Retry-After")
            if status == "200" and path.endswith("}") and method in ("get", "patch"):
                expected.add("ETag")
            missing += [(path, method, status, h) for h in expected - _headers(response)]
    assert missing == []


def test_every_patch_documents_merge_patch():
    patches = [(path, op) for path, method, op in OPERATIONS if method == "patch"]
    assert patches
    assert [
        path
        for path, op in patches
        if "application/merge-patch+json" not in op["requestBody"]["content"]
    ] == []


def test_a_merge_patch_is_accepted_as_documented(admin):
    created = admin.post(
        "/api/v1/topics", json={"code": "sprache", "label_de": "Sprache", "label_en": "language"}
    )
    assert created.status_code == 201, created.json
    answer = admin.patch(
        f"/api/v1/topics/{created.json['id']}",
        data=json.dumps({"label_de": "Sprachförderung"}),
        headers={
            "Content-Type": "application/merge-patch+json",
            "If-Match": created.headers["ETag"],
        },
    )
    assert (answer.status_code, answer.json["label_de"]) == (200, "Sprachförderung")


BOUNDED = [
    (path, parameter["name"], parameter["schema"])
    for path, method, operation in OPERATIONS
    if method == "get" and "{" not in path
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "query" and {"minimum", "maximum"} & set(parameter.get("schema", {}))
]


@pytest.mark.parametrize("path, name, schema", BOUNDED, ids=lambda value: str(value)[:40])
def test_the_server_takes_every_published_bound(admin, path, name, schema):
    for bound in ("minimum", "maximum"):
        if bound in schema:
            answer = admin.get(path, query_string={name: schema[bound]})
            assert answer.status_code != 400, (bound, answer.json)


def test_thresholds_refused_by_the_server_are_published_as_exclusive(admin):
    [threshold] = [
        p["schema"]
        for p in SPEC["paths"]["/api/v1/network/overlaps"]["get"]["parameters"]
        if p["name"] == "threshold"
    ]
    assert threshold.get("exclusiveMinimum") == 0
    assert admin.get("/api/v1/network/overlaps?threshold=0").status_code == 400

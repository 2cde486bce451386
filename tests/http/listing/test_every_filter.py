"""Shared statements never mix requests up: every list endpoint of the published
document, asked for every filter it publishes with two different values in a row,
answers each as it does with statement sharing off (`CRM_SHARE_STATEMENTS`, read by
crm.http.listing.shapes). The bug this guards against answered one request's `topic_id`
with another's."""

import pytest

from crm.demo import load_demo_data


def _list_endpoints(document: dict) -> list[str]:
    return [
        path
        for path, operations in document["paths"].items()
        if "{" not in path
        and "get" in operations
        and _answer_schema(operations["get"]).endswith("Page")
    ]


def _answer_schema(operation: dict) -> str:
    content = operation["responses"].get("200", {}).get("content", {})
    return content.get("application/json", {}).get("schema", {}).get("$ref", "")


def _filters(document: dict, path: str) -> list[dict]:
    skipped = {"page", "page_size", "sort", "cursor", "q", "format", "updated_since", "as_of"}
    return [
        p
        for p in document["paths"][path]["get"].get("parameters", [])
        if p.get("in") == "query" and p["name"] not in skipped
    ]


def _two_values(client, document: dict, parameter: dict) -> list[str]:
    """Two values that select different rows where the demo data has them: two values of
    an enumeration, both truth values, or the ids of two records of the named kind."""
    schema = parameter.get("schema", {})
    schema = schema.get("items", schema)
    if "enum" in schema:
        return [str(v) for v in schema["enum"][:2]]
    if schema.get("type") == "boolean":
        return ["true", "false"]
    name = parameter["name"]
    if name.endswith("_id"):
        collection = "/api/v1/" + name.removesuffix("_id").replace("_", "-") + "s"
        if collection in document["paths"]:
            records = client.get(f"{collection}?page_size=2").json["data"]
            return [record["id"] for record in records]
    return []


def test_each_answer_is_its_own(app, admin, session, monkeypatch):
    load_demo_data(session)
    session.commit()
    document = admin.get("/api/v1/openapi.json").json
    asked = 0
    for path in _list_endpoints(document):
        for parameter in _filters(document, path):
            values = _two_values(admin, document, parameter)
            if len(values) < 2:
                continue
            urls = [f"{path}?{parameter['name']}={value}" for value in values]
            monkeypatch.setitem(app.config, "CRM_SHARE_STATEMENTS", True)
            shared = [admin.get(url) for url in urls]
            monkeypatch.setitem(app.config, "CRM_SHARE_STATEMENTS", False)
            alone = [admin.get(url) for url in urls]
            for url, one, other in zip(urls, shared, alone, strict=True):
                assert one.status_code == other.status_code == 200, (url, one.json)
                assert one.json["data"] == other.json["data"], url
            asked += 1
    assert asked >= 20, asked


@pytest.mark.parametrize("sharing", [True, False])
def test_a_list_answers_alike_with_sharing_on_or_off(app, admin, monkeypatch, sharing):
    monkeypatch.setitem(app.config, "CRM_SHARE_STATEMENTS", sharing)
    assert admin.get("/api/v1/partners?kind=chamber&kind=job_centre").status_code == 200

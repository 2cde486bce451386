"""Every list's links keep every value of a repeated filter, on every list endpoint of the
published document: following `next` to the end (and `last`) gives, page by page, exactly
the records of the unpaginated answer.

The endpoints, their filters and their values come from the document and the demo data,
not from a list here: a list endpoint is a `GET` whose answer has `links`; its filter is
an array query parameter, given twice, with the two values that occur most in the
unfiltered answer (else two of its enumeration, else two unknown ids).
"""

import base64
import json
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from crm.demo import load_demo_data
from crm.models import SteeringGroup, WebhookSubscription
from tests.factories import make_action_item, make_meeting

DOCUMENT = json.loads((Path(__file__).parents[3] / "openapi" / "openapi.json").read_text())
PAGE_SIZE = 2


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _list_endpoints() -> list[tuple[str, list[dict]]]:
    found = []
    for path, operations in DOCUMENT["paths"].items():
        get = operations.get("get")
        content = get and get["responses"].get("200", {}).get("content", {})
        schema = _resolve(content.get("application/json", {}).get("schema", {})) if get else {}
        if "links" in schema.get("properties", {}):
            query = [p for p in get.get("parameters", []) if p["in"] == "query"]
            found.append((path, [p for p in query if p["schema"].get("type") == "array"]))
    return found


LIST_ENDPOINTS = _list_endpoints()


@pytest.fixture
def world(session, admin):
    """The demo stories, plus a few writes through the API for the audit trail and feed."""
    load_demo_data(session)
    for group in session.scalars(select(SteeringGroup)):
        make_action_item(session, make_meeting(session, group))
    secret = "whsec_" + base64.b64encode(bytes(32)).decode()
    session.add(WebhookSubscription(url="https://example.org/", event_types=["*"], secret=secret))
    session.commit()
    for name in ("Links eins", "Links zwei", "Links drei"):
        kind = "chamber" if name.endswith("s") else "job_centre"
        body = {"name": name, "kind": kind, "sector": "external"}
        created = admin.post("/api/v1/partners?allow_duplicate=true", json=body)
        assert created.status_code == 201, created.json
    return admin


def _concrete(client, path: str) -> str:
    """The path with each `{parameter}` replaced by the first record of its collection."""
    while "{" in path:
        head, _, rest = path.partition("{")
        _, _, tail = rest.partition("}")
        data = client.get(head.rstrip("/"), query_string={"page_size": 100}).json["data"]
        path = head + (data[0]["id"] if data else str(uuid.uuid4())) + tail
    return path


def _two_values(parameter: dict, items: list[dict]) -> list[str]:
    name = parameter["name"]
    seen = Counter()
    for item in items:
        value = item.get(name, item.get(f"{name}s"))
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str):
                seen[one] += 1
    values = [value for value, _ in seen.most_common(2)]
    values += [v for v in parameter["schema"]["items"].get("enum", []) if v not in values]
    values += [str(uuid.uuid4()), str(uuid.uuid4())]
    return values[:2]


def _records(page: dict) -> list:
    return [item.get("id", json.dumps(item, sort_keys=True)) for item in page["data"]]


def _walk(client, url: str) -> tuple[list, list[str]]:
    """Follow `next` to the end: every record, and every link seen on the way."""
    records, links = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.json)
        page = response.json
        records += _records(page)
        links += [link for name, link in page["links"].items() if name != "self"]
        more = page.get("has_more", True) and page["data"]
        url = page["links"].get("next") if more else None
    return records, links


def test_the_document_has_list_endpoints_with_repeatable_filters():
    assert sum(1 for _, filters in LIST_ENDPOINTS if filters) >= 20


@pytest.mark.parametrize(
    ("path", "filters"),
    [endpoint for endpoint in LIST_ENDPOINTS if endpoint[1]],
    ids=[path for path, filters in LIST_ENDPOINTS if filters],
)
def test_links_keep_every_value_of_a_repeated_filter(world, path, filters):
    client, path = world, _concrete(world, path)
    unfiltered = client.get(path, query_string={"page_size": 100}).json["data"]
    for parameter in filters:
        name, values = parameter["name"], _two_values(parameter, unfiltered)
        query = {name: values}
        whole = client.get(path, query_string={**query, "page_size": 100})
        assert whole.status_code == 200, whole.json
        first = client.get(path, query_string={**query, "page_size": PAGE_SIZE}).json
        records, links = _walk(client, first["links"]["self"])
        for link in links:
            assert parse_qs(urlsplit(link).query)[name] == values, link
        assert sorted(records) == sorted(_records(whole.json)), (name, values)
        if "last" in first["links"]:
            last = client.get(first["links"]["last"]).json
            assert _records(last) == records[len(records) - len(last["data"]) :]

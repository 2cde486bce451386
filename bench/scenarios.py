"""What the benchmark asks, picked from the generated data so that every run asks alike."""

import json
import random
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import psycopg

from crm.text import fold

HOST = "bench.local"  # both servers see the same Host, so that their links are equal


@dataclass
class Scenario:
    name: str
    kind: str  # list, get, search or write: which target applies
    requests: list[dict]
    # Writes answer with new ids and timestamps: compared with those masked.
    masked: tuple[str, ...] = ()
    explain: bool = False
    notes: list[str] = field(default_factory=list)


def pick(dsn: str, api_url: str, key: str) -> list[Scenario]:
    with psycopg.connect(dsn) as connection:

        def one(sql: str):
            return connection.execute(sql).fetchone()[0]

        partner = one(
            "SELECT p.id FROM partners p WHERE"
            " (SELECT count(*) FROM partner_topics t WHERE t.partner_id = p.id) >= 2"
            " AND EXISTS (SELECT FROM partner_municipalities m WHERE m.partner_id = p.id)"
            " ORDER BY p.id LIMIT 1"
        )
        group = one(
            "SELECT steering_group_id FROM memberships GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        )
        # Folded, as a user would type it: "Hölofeld" is found by "holofeld".
        town = one("SELECT town FROM partners WHERE town IS NOT NULL ORDER BY id LIMIT 1")
        town = quote(fold(town.split()[-1]))
        partners = one("SELECT count(*) FROM partners")
        patched = [
            str(r[0]) for r in connection.execute("SELECT id FROM partners ORDER BY id LIMIT 500")
        ]
        topics = [
            str(r[0]) for r in connection.execute("SELECT id FROM topics ORDER BY code LIMIT 2")
        ]
        municipality = str(one("SELECT id FROM municipalities ORDER BY code LIMIT 1"))
    deep = max(2, partners // 25 * 3 // 4)
    keyset_path = _next_link(api_url, key, f"/api/v1/partners?page={deep - 1}")
    create = {
        "kind": "language_course_provider",
        "sector": "external", "topic_ids": topics, "municipality_ids": [municipality],
        "postal_code": "06110", "languages": ["de", "ar"],
    }  # fmt: skip

    def get(path: str) -> list[dict]:
        return [{"method": "GET", "path": path}]

    return [
        Scenario("list: first page", "list", get("/api/v1/partners")),
        Scenario("list: filtered (kind, sector)", "list",
                 get("/api/v1/partners?kind=chamber&sector=external"), explain=True),
        Scenario(f"list: deep page {deep:,} by offset", "list",
                 get(f"/api/v1/partners?page={deep}"), explain=True),
        Scenario(f"list: deep page {deep:,} by links.next (keyset)", "list",
                 get(keyset_path), explain=True),
        Scenario("get partner with links", "get", get(f"/api/v1/partners/{partner}")),
        Scenario(f"search: selective (q={town})", "search",
                 get(f"/api/v1/partners?q={town}"), explain=True),
        Scenario("search: common (q=verein)", "search",
                 get("/api/v1/partners?q=verein"), explain=True),
        Scenario("memberships as_of", "list",
                 get(f"/api/v1/steering-groups/{group}/memberships?as_of=2020-01-01")),
        Scenario("create partner (validated)", "write",
                 [{"method": "POST", "path": "/api/v1/partners",
                   "body": json.dumps(create | {"name": name, "email": _mailbox(name)})}
                  for name in _new_names(5000)],
                 masked=("id", "created_at", "updated_at", "Location")),
        Scenario("patch partner (validated)", "write",
                 [{"method": "PATCH", "path": f"/api/v1/partners/{pid}",
                   "body": json.dumps({"notes": "Neue Ansprechperson", "postal_code": "54321",
                                       "topic_ids": topics[:1]})} for pid in patched],
                 masked=("updated_at", "ETag")),
    ]  # fmt: skip


def _new_names(count: int) -> list[str]:
    """Names unlike each other and unlike the generated ones, so that the duplicate check
    (issue 7) runs and lets every one through."""
    rng = random.Random(time.time_ns())  # new names on every run, also on a kept database
    syllables = [a + b for a in "bdfgklmnprstvz" for b in "aeiou"]
    return [f"Initiative {''.join(rng.choices(syllables, k=5)).capitalize()}" for _ in range(count)]


def _mailbox(name: str) -> str:
    """A new organisation's own domain: one shared by the hundreds of partners created in
    earlier runs would make every new one a candidate duplicate of all of them."""
    return f"info@{name.split()[-1].lower()}.example.org"


def fetch(base_url: str, key: str, request: dict) -> tuple[int, dict, bytes]:
    """One request with the benchmark's headers; status, headers and body."""
    headers = {"Authorization": f"Bearer {key}", "Host": HOST}
    if request.get("body"):
        headers["Content-Type"] = "application/json"
    if request["method"] == "PATCH":
        headers["If-Match"] = "*"
    data = request["body"].encode() if request.get("body") else None
    call = urllib.request.Request(
        base_url + request["path"], data=data, headers=headers, method=request["method"]
    )
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _next_link(api_url: str, key: str, path: str) -> str:
    status, _, body = fetch(api_url, key, {"method": "GET", "path": path})
    if status != 200:
        raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
    link = urlsplit(json.loads(body)["links"]["next"])
    return f"{link.path}?{link.query}"


def same_answer(scenario: Scenario, api: tuple, baseline: tuple) -> str | None:
    """None when the answers agree, else what differs."""
    (api_status, api_headers, api_body), (base_status, base_headers, base_body) = api, baseline
    if api_status != base_status:
        return f"status {api_status} != {base_status}"
    if not scenario.masked:
        if api_headers.get("ETag") != base_headers.get("ETag"):
            return f"ETag {api_headers.get('ETag')} != {base_headers.get('ETag')}"
        return None if api_body == base_body else "bodies differ"
    api_json, base_json = json.loads(api_body), json.loads(base_body)
    for name in scenario.masked:
        api_json.pop(name, None)
        base_json.pop(name, None)
    return None if api_json == base_json else f"bodies differ: {api_json} != {base_json}"

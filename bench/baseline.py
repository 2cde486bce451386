"""The baseline: the fastest this stack could answer the benchmarked requests.

A minimal Flask app on psycopg, no ORM, no marshmallow: it runs the SQL the API runs (the
key lookup, the page with its aggregated links and capped count, the planner's estimate
above it) and builds the same JSON by hand; the runner checks that the bodies are
byte-identical. Served by gunicorn with the API's settings:

    DATABASE_URL=postgresql://... gunicorn bench.baseline:app

PostgreSQL only, and only the requests the runner makes.
"""

import base64
import hashlib
import json
import math
import os
import unicodedata
import uuid
from datetime import UTC, date, datetime

import psycopg
from flask import Flask, Response, abort, g, request
from psycopg.types.json import Jsonb
from werkzeug.urls import urlencode

COUNT_LIMIT = 1_000
KEYSET_FROM = 500
PARTNER_COLUMNS = """
  (SELECT string_agg(t.id::varchar, ',' ORDER BY t.sort_name) FROM topics t
     JOIN partner_topics l ON t.id = l.topic_id WHERE p.id = l.partner_id),
  (SELECT string_agg(t.id::varchar, ',' ORDER BY t.sort_name) FROM target_groups t
     JOIN partner_target_groups l ON t.id = l.target_group_id WHERE p.id = l.partner_id),
  p.id, p.created_at, p.updated_at, p.name, p.short_name, p.kind, p.sector, p.status,
  p.street, p.postal_code, p.town,
  (SELECT string_agg(t.id::varchar, ',' ORDER BY t.sort_name) FROM municipalities t
     JOIN partner_municipalities l ON t.id = l.municipality_id WHERE p.id = l.partner_id),
  p.website, p.email, p.phone, p.languages, p.external_ids, p.notes, p.version"""
PARTNER_KEYS = (
    "topic_ids target_group_ids id created_at updated_at name short_name kind sector status "
    "street postal_code town municipality_ids website email phone languages external_ids notes"
).split()
MEMBERSHIP_COLUMNS = """m.id, m.created_at, m.updated_at, m.steering_group_id, m.partner_id,
  m.contact_id, m.deputy_contact_id, m.role, m.voting_right, m.start_date, m.end_date, m.notes"""
MEMBERSHIP_KEYS = (
    "id created_at updated_at steering_group_id partner_id contact_id deputy_contact_id role "
    "voting_right start_date end_date notes"
).split()

app = Flask(__name__)


def connection() -> psycopg.Connection:
    if "connection" not in app.config:
        url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        app.config["connection"] = psycopg.connect(url, autocommit=True)
    return app.config["connection"]


def query(sql: str, params=()) -> list[tuple]:
    cursor = connection().execute(sql, params)
    return cursor.fetchall() if cursor.description else []


@app.before_request
def authorize() -> None:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = query("SELECT name, role, revoked_at FROM api_keys WHERE key_hash = %s", (digest,))
    if not rows or rows[0][2] is not None:
        abort(401)
    g.actor = rows[0][0]


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    text = json.dumps(body, separators=(",", ":")) + "\n"
    return Response(text, status, headers, mimetype="application/json")


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def ids(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def as_text(value) -> str | None:
    return None if value is None else str(value)


def same(value):
    return value


# How each column of PARTNER_COLUMNS / MEMBERSHIP_COLUMNS is written in JSON.
PARTNER_JSON = [ids, ids, str, timestamp, timestamp] + [same] * 8 + [ids] + [same] * 6
MEMBERSHIP_JSON = [
    str,
    timestamp,
    timestamp,
    str,
    str,
    as_text,
    as_text,
    same,
    same,
    day,
    day,
    same,
]


def partner(row: tuple) -> dict:
    return {k: write(v) for k, write, v in zip(PARTNER_KEYS, PARTNER_JSON, row, strict=False)}


def membership(row: tuple) -> dict:
    pairs = zip(MEMBERSHIP_KEYS, MEMBERSHIP_JSON, row, strict=False)
    return {k: write(v) for k, write, v in pairs}


@app.get("/api/v1/partners")
def partners():
    where, params = ["true"], []
    for name in ("kind", "sector"):
        if name in request.args:
            values = request.args.getlist(name)
            where.append(f"p.{name} IN ({', '.join(['%s'] * len(values))})")
            params += values
    for word in fold(request.args.get("q", "")).split():
        where.append("p.search_text LIKE '%%' || %s || '%%' ESCAPE '/'")
        params.append(word.replace("/", "//").replace("%", "/%").replace("_", "/_"))
    return page_of("partners p", PARTNER_COLUMNS, where, params, ["p.sort_name", "p.id"], partner)


@app.get("/api/v1/steering-groups/<uuid:group_id>/memberships")
def memberships(group_id):
    if not query("SELECT id FROM steering_groups WHERE id = %s", (group_id,)):
        abort(404)
    as_of = date.fromisoformat(request.args["as_of"])
    where = [
        "m.steering_group_id = %s",
        "m.start_date <= %s AND (m.end_date IS NULL OR m.end_date >= %s)",
    ]
    columns = MEMBERSHIP_COLUMNS
    keys = ["m.start_date", "m.id"]
    return page_of("memberships m", columns, where, [group_id, as_of, as_of], keys, membership)


def page_of(table, columns, where, params, keys, dump) -> Response:
    """The API's page statement, written out: ids first, then the rows, with the count."""
    page = int(request.args.get("page", 1))
    size = int(request.args.get("page_size", 25))
    alias = table.split()[1]
    conditions = " AND ".join(where)
    seek, seek_params = keyset(page, keys)
    offset = 0 if seek_params else (page - 1) * size
    rows = query(
        f"""SELECT {columns}, w.total, {", ".join(f"w.k{i}" for i in range(len(keys)))}
        FROM {table} JOIN (
          SELECT {alias}.id AS wid, (SELECT count(*) FROM (SELECT 1 FROM {table}
            WHERE {conditions} LIMIT {COUNT_LIMIT + 1}) AS c) AS total,
            {", ".join(f"{key} AS k{i}" for i, key in enumerate(keys))}
          FROM {table} WHERE {conditions} AND {seek}
          ORDER BY {", ".join(keys)} LIMIT {size + 1} OFFSET {offset}
        ) AS w ON {alias}.id = w.wid ORDER BY {", ".join(f"w.k{i}" for i in range(len(keys)))}""",
        [*params, *params, *seek_params],
    )
    total = rows[0][-1 - len(keys)] if rows else 0
    pagination = {"page": page, "page_size": size, "total": total}
    if total > COUNT_LIMIT:
        (plan,) = query(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} WHERE {conditions}", params)[
            0
        ]
        seen = (page - 1) * size + len(rows)
        pagination["total"] = max(COUNT_LIMIT + 1, seen, round(plan[0]["Plan"]["Plan Rows"]))
    pagination["total_pages"] = max(1, math.ceil(pagination["total"] / size))
    if total > COUNT_LIMIT:
        pagination["total_is_estimate"] = True
    next_cursor = None
    if len(rows) > size and page * size >= KEYSET_FROM:
        next_cursor = cursor(page + 1, [str(value) for value in rows[size - 1][-len(keys) :]])
    return json_response(
        {
            "data": [dump(row) for row in rows[:size]],
            "pagination": pagination,
            "links": links(page, pagination["total_pages"], len(rows) > size, next_cursor),
        }
    )


def fingerprint() -> str:
    query_args = sorted(
        (k, v) for k, v in request.args.items(multi=True) if k not in ("page", "cursor")
    )
    text = json.dumps([request.method, request.path, query_args], separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def cursor(page: int, values: list[str]) -> str:
    raw = json.dumps([page, fingerprint(), values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def keyset(page: int, keys: list[str]) -> tuple[str, list]:
    """`k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2))` for a cursor of this page."""
    token = request.args.get("cursor")
    if not token:
        return "true", []
    decoded_page, query_fingerprint, values = json.loads(
        base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    )
    if decoded_page != page or query_fingerprint != fingerprint():
        return "true", []
    first, last = values
    return f"{keys[0]} >= %s AND ({keys[0]} > %s OR ({keys[0]} = %s AND {keys[1]} > %s))", [
        first,
        first,
        first,
        last,
    ]


def links(page: int, total_pages: int, has_next: bool, next_cursor: str | None) -> dict:
    def url(number: int, with_cursor: str | None = None) -> str:
        args = request.args.copy()
        args["page"] = str(number)
        args.pop("cursor", None)
        if with_cursor:
            args["cursor"] = with_cursor
        return f"{request.base_url}?{urlencode(args)}"

    result = {"self": url(page), "first": url(1)}
    if page > 1:
        result["prev"] = url(min(page - 1, total_pages))
    if has_next:
        result["next"] = url(page + 1, next_cursor)
    result["last"] = url(total_pages)
    return result


def one_partner(partner_id) -> tuple | None:
    rows = query(f"SELECT {PARTNER_COLUMNS} FROM partners p WHERE p.id = %s", (partner_id,))
    return rows[0] if rows else None


@app.get("/api/v1/partners/<uuid:partner_id>")
def get_partner(partner_id):
    row = one_partner(partner_id)
    if row is None:
        abort(404)
    return json_response(partner(row), headers={"ETag": f'"v{row[-1]}"'})


@app.post("/api/v1/partners")
def create_partner():
    """Validated as the API validates it; inserted with its links and an audit event."""
    body = request.get_json()
    check_partner(body)
    now = datetime.now(UTC).replace(tzinfo=None)
    partner_id = uuid.uuid4()
    values = {name: body.get(name) for name in PARTNER_KEYS[5:] if name not in LINKS}
    values |= {
        "status": body.get("status", "active"),
        "languages": body.get("languages", []),
        "external_ids": body.get("external_ids", []),
    }
    with connection().transaction():
        check_references(body)
        names = ", ".join(values)
        query(
            f"INSERT INTO partners ({names}, id, created_at, updated_at, version, search_text, "
            f"sort_name) VALUES ({', '.join(['%s'] * (len(values) + 6))})",
            [
                *(Jsonb(v) if isinstance(v, list) else v for v in values.values()),
                partner_id,
                now,
                now,
                1,
                search_key(body["name"], body.get("short_name"), body.get("town")),
                fold(body["name"])[:300],
            ],
        )
        link(partner_id, body)
        audit("create", partner_id, now, {k: {"old": None, "new": v} for k, v in values.items()})
    record = {
        "topic_ids": body.get("topic_ids", []),
        "target_group_ids": [],
        "id": str(partner_id),
        "created_at": timestamp(now),
        "updated_at": timestamp(now),
    }
    record |= {key: values.get(key) for key in PARTNER_KEYS[5:]}
    record["municipality_ids"] = body.get("municipality_ids", [])
    location = f"{request.base_url}/{partner_id}"
    return json_response(record, 201, {"ETag": '"v1"', "Location": location})


@app.patch("/api/v1/partners/<uuid:partner_id>")
def patch_partner(partner_id):
    body = request.get_json()
    check_partner(body, partial=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    with connection().transaction():
        rows = query(
            "SELECT version, notes, postal_code FROM partners WHERE id = %s", (partner_id,)
        )
        if not rows:
            abort(404)
        check_references(body)
        changes = {k: v for k, v in body.items() if k not in LINKS}
        assignments = ", ".join(f"{name} = %s" for name in changes)
        query(
            f"UPDATE partners SET {assignments}, updated_at = %s, version = version + 1 "
            "WHERE id = %s AND version = %s",
            [*changes.values(), now, partner_id, rows[0][0]],
        )
        query("DELETE FROM partner_topics WHERE partner_id = %s", (partner_id,))
        link(partner_id, body)
        before = dict(zip(("notes", "postal_code"), rows[0][1:], strict=True))
        changed = {k: {"old": before.get(k), "new": v} for k, v in changes.items()}
        audit("update", partner_id, now, changed)
        row = one_partner(partner_id)
    return json_response(partner(row), headers={"ETag": f'"v{row[-1]}"'})


LINKS = {
    "topic_ids": "topics",
    "target_group_ids": "target_groups",
    "municipality_ids": "municipalities",
}


def check_partner(body: dict, partial: bool = False) -> None:
    """The schema's rules that these requests exercise."""
    if not partial and not (isinstance(body.get("name"), str) and 0 < len(body["name"]) <= 200):
        abort(422)
    postal = body.get("postal_code")
    if postal is not None and not (len(postal) == 5 and postal.isdigit()):
        abort(422)
    if "email" in body and "@" not in (body["email"] or "@"):
        abort(422)


def check_references(body: dict) -> None:
    if "kind" in body and not query(
        "SELECT id FROM partner_kinds WHERE code = %s", (body["kind"],)
    ):
        abort(422)
    for field, table in LINKS.items():
        wanted = body.get(field) or []
        found = query(f"SELECT id FROM {table} WHERE id = ANY(%s)", (wanted,)) if wanted else []
        if len(found) != len(set(wanted)):
            abort(422)


def link(partner_id: uuid.UUID, body: dict) -> None:
    for field, table in LINKS.items():
        if body.get(field):
            column = table.removesuffix("s").replace("municipalitie", "municipality") + "_id"
            connection().cursor().executemany(
                f"INSERT INTO partner_{table} (partner_id, {column}) VALUES (%s, %s)",
                [(partner_id, linked) for linked in body[field]],
            )


def audit(action: str, partner_id: uuid.UUID, now: datetime, changes: dict) -> None:
    query(
        "INSERT INTO audit_events (id, occurred_at, actor, actor_kind, request_id, resource_type, "
        "resource_id, action, changes) VALUES (%s, %s, %s, 'api_key', %s, 'partner', %s, %s, %s)",
        (
            uuid.uuid4(),
            now,
            g.actor,
            request.headers.get("X-Request-ID"),
            partner_id,
            action,
            Jsonb(changes),
        ),
    )


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(*values: str | None) -> str:
    variants = []
    for value in values:
        if value:
            variants += [fold(value), fold(value.casefold().translate(UMLAUTS))]
    return "\n".join(dict.fromkeys(variants))


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})

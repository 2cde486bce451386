"""Statements per request, counted where the server sees them, and the plans of the
benchmarked queries.

Both apps run in this process once per request, their PostgreSQL connections traced by
libpq: every round trip ends with the server's ReadyForQuery, so transaction control
(BEGIN, ROLLBACK) and pool pings count as well as the queries.
"""

import os
import tempfile

import psycopg
from psycopg import pq
from sqlalchemy import event

from bench.scenarios import HOST, Scenario
from crm.database import db

TRACE_FLAGS = pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE


class Trace:
    """The libpq trace of the connections handed to `attach`."""

    def __init__(self):
        self.file = tempfile.TemporaryFile("w+")  # noqa: SIM115 (lives as long as the trace)

    def attach(self, connection: psycopg.Connection) -> None:
        connection.pgconn.trace(self.file.fileno())
        connection.pgconn.set_trace_flags(TRACE_FLAGS)

    def take(self) -> list[str]:
        """What was sent since the last call: one line per round trip."""
        self.file.flush()
        self.file.seek(0)
        lines = self.file.read().splitlines()
        self.file.seek(0)
        self.file.truncate()
        sent = [line.split("\t", 3)[-1].strip() for line in lines if _sent_query(line)]
        trips = sum(1 for line in lines if line.startswith("B") and "\tReadyForQuery" in line)
        return sent[:trips] + [""] * (trips - len(sent))


def _sent_query(line: str) -> bool:
    return line.startswith("F") and ("\tQuery\t" in line or "\tParse\t" in line)


def count_statements(url: str, key: str, scenarios: list[Scenario]) -> dict[str, tuple]:
    """{scenario: (API round trips, baseline round trips, the API's statements)}."""
    from bench import baseline
    from crm import create_app

    trace = Trace()
    api = create_app({"DATABASE_URL": url})
    for engine in api.extensions["crm.engines"]:
        event.listen(engine, "connect", lambda dbapi, _record: trace.attach(dbapi))
    os.environ["DATABASE_URL"] = url
    trace.attach(baseline.connection())
    counts = {}
    for scenario in scenarios:
        # Each call its own request where there are several (a create needs a new name),
        # from the end: wrk starts at the beginning.
        requests = iter((scenario.requests[-2::-1] or scenario.requests) * 4)
        answers = []
        for client in (api.test_client(), baseline.app.test_client()):
            for _ in range(2):  # the second time, without first-use work (a key's last use)
                _open(client, key, next(requests))
                answers.append(trace.take())
        counts[scenario.name] = (len(answers[1]), len(answers[3]), answers[1])
    db.dispose(api)
    return counts


def _open(client, key: str, request: dict) -> None:
    headers = {"Authorization": f"Bearer {key}", "Host": HOST}
    if request["method"] == "PATCH":
        headers["If-Match"] = "*"
    body = request.get("body")
    client.open(
        request["path"],
        method=request["method"],
        data=body,
        headers=headers,
        content_type="application/json" if body else None,
    )


def plans(url: str, key: str, scenarios: list[Scenario]) -> dict[str, str]:
    """{scenario: EXPLAIN (ANALYZE, BUFFERS) of the API's longest statement for it}."""
    from crm import create_app

    api = create_app({"DATABASE_URL": url})
    captured: list[tuple[str, dict]] = []
    for engine in api.extensions["crm.engines"]:
        event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _cur, sql, params, *_: captured.append((sql, params)),
        )
    result = {}
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        for scenario in (s for s in scenarios if s.explain):
            captured.clear()
            _open(api.test_client(), key, scenario.requests[0])
            sql, params = max(captured, key=lambda item: len(item[0]))
            rows = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
            result[scenario.name] = "\n".join(row[0] for row in rows)
    db.dispose(api)
    return result

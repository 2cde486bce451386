"""PATCHes with the same ETag at the same moment: exactly one wins, the others get 412
(in the process on PostgreSQL; over real HTTP on both databases)."""

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from crm.http.auth import create_api_key
from crm.models import ApiKey, AuditEvent, ChangeEvent, Partner
from crm.models.enums import ApiRole, Sector
from tests import live
from tests.conftest import temporary_postgres_database


@pytest.fixture
def committed(app, engine):
    """A partner and a key committed for real, removed afterwards with what the winning
    write recorded about it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent transactions are PostgreSQL's")
    with Session(engine) as session:
        partner = Partner(name="Streitfall", kind="chamber", sector=Sector.external)
        session.add(partner)
        api_key, plain = create_api_key(session, "concurrency-test", ApiRole.editor)
        session.commit()
        yield partner.id, plain
        for recorded in (AuditEvent, ChangeEvent):
            session.execute(delete(recorded).where(recorded.resource_id == partner.id))
        session.execute(delete(Partner).where(Partner.id == partner.id))
        session.execute(delete(ApiKey).where(ApiKey.id == api_key.id))
        session.commit()


def test_only_one_of_two_concurrent_patches_wins(app, committed):
    partner_id, key = committed
    # Both requests pass the If-Match check before either writes.
    both_checked = threading.Barrier(2, timeout=10)

    def wait_for_the_other(session, _context, _instances):
        if any(isinstance(o, Partner) for o in session.dirty):
            both_checked.wait()

    def patch(name):
        return app.test_client().patch(
            f"/api/v1/partners/{partner_id}",
            json={"name": name},
            headers={"If-Match": '"v1"', "Authorization": f"Bearer {key}"},
        )

    event.listen(Session, "before_flush", wait_for_the_other)
    try:
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(r.status_code for r in pool.map(patch, ["Erster", "Zweiter"]))
    finally:
        event.remove(Session, "before_flush", wait_for_the_other)
    assert statuses == [200, 412]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served_partner(request, tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    """(base URL, editor key, partner id) of the app served on loopback, committed."""
    partner_id = uuid.uuid4()

    def prepare(session: Session) -> None:
        session.add(
            Partner(id=partner_id, name="Streitfall", kind="chamber", sector=Sector.external)
        )

    def serve(url: str) -> Iterator[tuple[str, str, str]]:
        with live.served(url, ApiRole.editor, prepare) as (base_url, key):
            yield base_url, key, str(partner_id)

    if request.param == "sqlite":
        yield from serve(f"sqlite:///{tmp_path_factory.mktemp('race') / 'crm.sqlite3'}")
    else:
        with temporary_postgres_database() as url:
            yield from serve(url)


def _call(method: str, url: str, key: str, **headers: str) -> tuple[int, dict, bytes]:
    body = json.dumps({"name": f"Streitfall {uuid.uuid4().hex[:6]}"}).encode()
    request = urllib.request.Request(
        url,
        method=method,
        data=body if method == "PATCH" else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


ROUNDS, WRITERS = 10, 4


def test_concurrent_patches_with_one_etag_lose_with_412_not_500(served_partner):
    """Over real HTTP, several at once in each round: one wins; the others are told that
    the record changed (412) or, at worst, to come back (503 with Retry-After)."""
    base_url, key, partner_id = served_partner
    url = f"{base_url}/api/v1/partners/{partner_id}"
    outcomes = []
    for _ in range(ROUNDS):
        etag = _call("GET", url, key)[1]["ETag"]
        start = threading.Barrier(WRITERS, timeout=30)

        def patch(_n: int, etag: str = etag, start: threading.Barrier = start):
            start.wait()
            return _call("PATCH", url, key, **{"If-Match": etag})

        with ThreadPoolExecutor(WRITERS) as pool:
            answers = list(pool.map(patch, range(WRITERS)))
        statuses = sorted(status for status, _headers, _body in answers)
        told_to_retry = all("Retry-After" in h for status, h, _ in answers if status == 503)
        outcomes.append((statuses.count(200), set(statuses) - {200, 412, 503}, told_to_retry))
    assert outcomes == [(1, set(), True)] * ROUNDS

"""The feed under concurrent writers (PostgreSQL): a reader following it never skips or
repeats a change, also when a transaction that began earlier commits later."""

import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.changes.feed import FeedPosition
from crm.http.auth import create_api_key
from crm.models import ApiKey, AuditEvent, ChangeEvent, Partner
from crm.models.enums import ActorKind, ApiRole, AuditAction

WRITERS, WRITES = 4, 20
# Between polls, as a client would wait; polling flat out would also hit the rate limit
# (600 a minute per key) on a slow machine.
PAUSE = 0.25


@pytest.fixture
def committed(app, engine):
    """An editor key committed for real; every row the test writes is removed after."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite has one writer at a time")
    written: set[uuid.UUID] = set()
    with Session(engine) as session:
        api_key, plain = create_api_key(session, f"feed-{uuid.uuid4().hex[:6]}", ApiRole.editor)
        session.commit()
        key_id = api_key.id
    yield plain, written
    with Session(engine) as session:
        for model, column in (
            (ChangeEvent, ChangeEvent.resource_id),
            (AuditEvent, AuditEvent.resource_id),
            (Partner, Partner.id),
        ):
            session.execute(delete(model).where(column.in_(written)))
        session.execute(delete(ApiKey).where(ApiKey.id == key_id))
        session.commit()


class Reader:
    """Follows the feed over HTTP as a client would, keeping every change it saw."""

    def __init__(self, app, key: str):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {key}"}
        self.cursor = None
        self.seen: list[dict] = []

    def poll(self) -> None:
        while True:
            query = {"page_size": 7} | ({"cursor": self.cursor} if self.cursor else {})
            response = self.client.get("/api/v1/changes", query_string=query, headers=self.headers)
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            self.seen += page["data"]
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    def poll_until_seen(self, written: set[uuid.UUID], timeout: float = 60) -> None:
        """Transactions anywhere on the server, also of other databases, hold the
        feed back while they run: it catches up once they end."""
        deadline = time.monotonic() + timeout
        while len(set(self.ids(written))) < len(written) and time.monotonic() < deadline:
            self.poll()
            time.sleep(PAUSE)

    def ids(self, written: set[uuid.UUID]) -> list[str]:
        return [c["resource_id"] for c in self.seen if uuid.UUID(c["resource_id"]) in written]


def _slow_write(engine, written: set, hold: threading.Event | None = None) -> None:
    """A transaction that takes its position now and commits later."""
    resource_id = uuid.uuid4()
    written.add(resource_id)
    with Session(engine) as session:
        session.add(
            AuditEvent(
                actor="feed-test",
                actor_kind=ActorKind.system,
                resource_type="partner",
                resource_id=resource_id,
                action=AuditAction.update,
                changes={"notes": {"old": None, "new": None}},
            )
        )
        session.flush()
        if hold is not None:
            hold.wait(10)
        else:
            threading.Event().wait(random.uniform(0, 0.05))
        session.commit()


def _fast_write(app, key: str, written: set) -> None:
    body = {"name": f"Träger {uuid.uuid4().hex[:8]}", "kind": "chamber", "sector": "external"}
    response = app.test_client().post(
        "/api/v1/partners", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 201, response.get_json()
    written.add(uuid.UUID(response.get_json()["id"]))


def test_a_later_commit_of_an_earlier_transaction_is_not_skipped(app, engine, committed):
    key, written = committed
    reader = Reader(app, key)
    reader.poll()
    hold = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(_slow_write, engine, written, hold)
        while not written:
            threading.Event().wait(0.01)
        _fast_write(app, key, written)
        reader.poll()
        assert reader.ids(written) == []  # the fast one waits behind the running one
        hold.set()
        slow.result()
    reader.poll_until_seen(written)
    assert sorted(reader.ids(written)) == sorted(str(i) for i in written)


def test_a_reader_following_concurrent_writers_neither_skips_nor_repeats(app, engine, committed):
    key, written = committed
    reader = Reader(app, key)
    reader.poll()
    done = threading.Event()

    def write(n: int) -> None:
        for _ in range(WRITES):
            if random.random() < 0.5:
                _slow_write(engine, written)
            else:
                _fast_write(app, key, written)

    def follow() -> None:
        while not done.is_set():
            reader.poll()
            time.sleep(PAUSE)

    random.seed(8)
    with ThreadPoolExecutor(WRITERS + 1) as pool:
        following = pool.submit(follow)
        list(pool.map(write, range(WRITERS)))
        done.set()
        following.result()
    reader.poll_until_seen(written)
    seen = reader.ids(written)
    assert len(seen) == len(set(seen)) == len(written) == WRITERS * WRITES
    order = [FeedPosition.parse(change["cursor"]) for change in reader.seen]
    assert order == sorted(set(order))


def test_changes_are_written_with_their_transaction(engine, committed):
    _, written = committed
    _slow_write(engine, written)
    with Session(engine) as session:
        txid = session.scalar(select(ChangeEvent.txid).where(ChangeEvent.resource_id.in_(written)))
    assert txid > 0

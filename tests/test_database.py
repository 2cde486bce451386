"""The engine and the request's session: reads without a transaction on PostgreSQL, and
pooled connections checked only after they have been idle."""

import pytest
from sqlalchemy import text

from crm import database
from crm.database import db, make_engine


@pytest.fixture
def postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's transactions and connections")
    return engine


def _in_one_transaction(session) -> bool:
    """Whether two statements of `session` ran in one transaction (one start time)."""
    session.execute(text("SELECT pg_sleep(0.01)"))
    return not session.scalar(text("SELECT now() = statement_timestamp()"))


def test_a_get_reads_without_a_transaction(app, postgresql):
    with app.test_request_context("/api/v1/partners", method="GET"):
        assert not _in_one_transaction(db.session)


def test_a_post_writes_in_a_transaction(app, postgresql):
    with app.test_request_context("/api/v1/partners", method="POST"):
        assert _in_one_transaction(db.session)


def test_a_connection_dropped_while_idle_is_replaced_before_use(postgresql, monkeypatch):
    engine = make_engine(postgresql.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            dropped = connection.scalar(text("SELECT pg_backend_pid()"))
        with postgresql.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
        monkeypatch.setattr(database, "PING_WHEN_IDLE_FOR", 0.0)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(postgresql):
    engine = make_engine(postgresql.url.render_as_string(hide_password=False))
    pings = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or original(dbapi_connection)
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.scalar(text("SELECT 1"))
        assert pings == []
    finally:
        engine.dispose()

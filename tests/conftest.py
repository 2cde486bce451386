"""Every test runs on SQLite and on PostgreSQL, each migrated once per session; each test
runs inside a transaction that is rolled back (requests commit to a savepoint)."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crm import create_app, schema
from crm.database import db
from crm.http.auth import create_api_key
from crm.models.enums import ApiRole

POSTGRES_URL = os.environ.get(
    "CRM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A database of its own, dropped afterwards. Unreachable PostgreSQL skips the test,
    and fails it under CI=true, where PostgreSQL is required."""
    server = make_url(POSTGRES_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        message = f"PostgreSQL is unreachable at {server.render_as_string()}: {error.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'crm.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory) -> Iterator[Flask]:
    schema.upgrade(database_url)
    # Without the limit of failed sign-ins: tests send invalid keys on purpose, all from one
    # address (tests/http/test_rate_limit.py sets it where it is tested).
    queue = f"sqlite:///{tmp_path_factory.mktemp('queue') / 'queue.sqlite3'}"
    settings = {"CRM_AUTH_FAILURE_LIMIT": "", "CRM_QUEUE_URL": queue}
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **settings})
    yield app
    db.dispose(app)


@pytest.fixture(scope="session")
def engine(app: Flask) -> Engine:
    return app.extensions["crm.engine"]


@pytest.fixture
def connection(app: Flask, engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        outer = connection.begin()
        makers = ("crm.sessionmaker", "crm.read_sessionmaker")
        originals = {name: app.extensions[name] for name in makers}
        in_the_test = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        app.extensions.update(dict.fromkeys(makers, in_the_test))
        yield connection
        app.extensions.update(originals)
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session inside the test's transaction, for factories and for looking at rows."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


class ApiClient(FlaskClient):
    """A test client that sends an API key and JSON."""

    key: str | None = None

    def open(self, *args, **kwargs):
        headers = kwargs.setdefault("headers", {})
        if self.key and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.key}"
        return super().open(*args, **kwargs)


@pytest.fixture
def client_for(app: Flask, session: Session):
    """`client_for("viewer")`: a client with a fresh key of that role."""

    def make(role: str | None) -> ApiClient:
        app.test_client_class = ApiClient
        client = app.test_client()
        if role:
            _, client.key = create_api_key(
                session, f"test-{role}-{uuid.uuid4().hex[:6]}", ApiRole(role)
            )
            session.commit()
        return client

    return make


@pytest.fixture
def client(client_for) -> ApiClient:
    """An editor: reads and writes partners, contacts, groups and agreements."""
    return client_for("editor")


@pytest.fixture
def admin(client_for) -> ApiClient:
    return client_for("admin")


@pytest.fixture
def viewer(client_for) -> ApiClient:
    return client_for("viewer")


@pytest.fixture
def anonymous(client_for) -> ApiClient:
    return client_for(None)

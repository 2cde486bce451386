"""The app served for real on a loopback port, with a database of its own, committed,
for clients that speak HTTP: a generated Python client, Chromium."""

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from crm import create_app, schema
from crm.auth import create_api_key
from crm.models.enums import ApiRole
from tests.conftest import temporary_postgres_database


@dataclass(frozen=True)
class Served:
    base_url: str
    admin_key: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[Served]:
    if request.param == "sqlite":
        yield from _serve(f"sqlite:///{tmp_path_factory.mktemp('served') / 'crm.sqlite3'}")
    else:
        with temporary_postgres_database() as url:
            yield from _serve(url)


def _serve(url: str) -> Iterator[Served]:
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    with Session(app.extensions["crm.engine"]) as session:
        _, key = create_api_key(session, f"client-{uuid.uuid4().hex[:6]}", ApiRole.admin)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", key)
    finally:
        server.shutdown()
        thread.join()
        app.extensions["crm.engine"].dispose()

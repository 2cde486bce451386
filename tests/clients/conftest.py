"""The app served for real on a loopback port, with a database of its own, committed,
for clients that speak HTTP: a generated Python client, Chromium."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from crm.models.enums import ApiRole
from tests import live
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
    with live.served(url, ApiRole.admin) as (base_url, key):
        yield Served(base_url, key)

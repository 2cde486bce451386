"""One migration chain from empty to head, that goes down and up again, and agrees with
the models."""

import uuid
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import DateTime, Uuid, column, create_engine, insert, inspect, table, text

from crm import schema
from crm.database import Base
from crm.matching.records import name_sound
from tests.conftest import temporary_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_database_url):
    schema.upgrade(empty_database_url)
    schema.downgrade(empty_database_url)
    assert _tables(empty_database_url) == set()
    schema.upgrade(empty_database_url)
    assert _tables(empty_database_url) == set(Base.metadata.tables)


# SQLite's reflection cannot read an index on an expression (lower(email)); autogenerate
# leaves those out of the comparison on every database.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_partners_stored_before_the_lookup_columns_get_them(empty_database_url):
    schema.upgrade(empty_database_url, "f2b6d4a8c035")
    engine = create_engine(empty_database_url)
    partners = table(
        "partners",
        *(column(name) for name in "name kind sector status search_text sort_name".split()),
        *(column(name) for name in "email website languages external_ids version".split()),
        column("id", Uuid()),
        column("created_at", DateTime()),
        column("updated_at", DateTime()),
    )
    partner_id, now = uuid.uuid4(), datetime(2026, 11, 24)
    try:
        with engine.begin() as connection:
            kind = connection.scalar(text("SELECT code FROM partner_kinds LIMIT 1"))
            connection.execute(
                insert(partners).values(
                    id=partner_id,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    name="Caritasverband Trier e.V.",
                    kind=kind,
                    sector="external",
                    status="active",
                    search_text="",
                    sort_name="",
                    languages="[]",
                    external_ids="[]",
                    email="Info@Caritas-Trier.de",
                    website="https://www.caritas-trier.de/beratung",
                )
            )
        schema.upgrade(empty_database_url)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT mail_domain, web_host FROM partners")).one()
        assert tuple(found) == ("caritas-trier.de", "caritas-trier.de")
    finally:
        engine.dispose()


def test_contacts_stored_before_the_lookup_columns_get_the_sound_of_their_name(
    empty_database_url,
):
    schema.upgrade(empty_database_url, "b4d8f6a2c913")
    engine = create_engine(empty_database_url)
    contacts = table(
        "contacts",
        *(column(name) for name in "family_name status legal_basis search_text".split()),
        *(column(name) for name in "sort_name consent_purposes version".split()),
        column("id", Uuid()),
        column("created_at", DateTime()),
        column("updated_at", DateTime()),
    )
    now = datetime(2026, 11, 24)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(contacts).values(
                    id=uuid.uuid4(),
                    created_at=now,
                    updated_at=now,
                    version=1,
                    family_name="Schäfer",
                    status="active",
                    legal_basis="public_task",
                    search_text="",
                    sort_name="",
                    consent_purposes="[]",
                )
            )
        schema.upgrade(empty_database_url)
        with engine.connect() as connection:
            found = connection.scalar(text("SELECT family_sound FROM contacts"))
        assert found == name_sound("Schäfer")
    finally:
        engine.dispose()

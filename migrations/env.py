"""Alembic environment: the models' metadata, and the database URL from the app's config."""

from pathlib import Path

from alembic import context
from sqlalchemy import create_engine

import crm.models  # noqa: F401  (registers every table)
from crm.config import database_url
from crm.database import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url(
    Path(__file__).resolve().parent.parent / "instance"
)


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if "connection" in config.attributes:
    run_migrations(config.attributes["connection"])
else:
    engine = create_engine(url)
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()

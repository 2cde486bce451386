"""Configuration, read from environment variables only."""

import os
from pathlib import Path


def database_url(instance_path: str | Path) -> str:
    """The database to use: `DATABASE_URL`, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Accept the plain scheme that hosting platforms hand out.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{Path(instance_path) / 'crm.sqlite3'}"


def from_environment(instance_path: str | Path) -> dict:
    return {
        "DATABASE_URL": database_url(instance_path),
        "MAX_CONTENT_LENGTH": int(os.environ.get("CRM_MAX_BODY_BYTES", 1024 * 1024)),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "CRM_MUNICIPALITY_NAME": os.environ.get("CRM_MUNICIPALITY_NAME", "Musterkreis"),
    }

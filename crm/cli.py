"""`flask crm ...`: the schema, API keys and the demo set-up."""

import os
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from crm import schema
from crm.changes.cli import webhooks_cli
from crm.database import db
from crm.demo import ensure_demo_admin_key, load_demo_data_once
from crm.http.auth import create_api_key, revoke_api_key
from crm.http.cli import idempotency_cli
from crm.imports.cli import import_command
from crm.models import ApiKey
from crm.models.enums import ApiRole
from crm.network.cli import network_cli
from crm.privacy.cli import privacy_cli
from crm.reports.cli import exports_cli
from crm.worker import worker_command

crm_cli = AppGroup("crm", help="Kooperationspartner-CRM administration.")
crm_cli.add_command(exports_cli)
crm_cli.add_command(webhooks_cli)
crm_cli.add_command(privacy_cli)
crm_cli.add_command(import_command)
crm_cli.add_command(network_cli)
crm_cli.add_command(idempotency_cli)
crm_cli.add_command(worker_command)


@crm_cli.group("db")
def db_cli() -> None:
    """The database schema."""


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (idempotent)."""
    schema.upgrade(current_app.config["DATABASE_URL"])


@crm_cli.group("api-key")
def api_key_cli() -> None:
    """API keys: only their hash is stored."""


@api_key_cli.command("create")
@click.option("--name", required=True, help="Who or what uses the key, e.g. 'intranet'.")
@click.option(
    "--role", type=click.Choice([r.value for r in ApiRole]), default="viewer", show_default=True
)
@click.option(
    "--expires",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="When the key stops working (UTC), e.g. 2027-06-30; without it, never.",
)
def api_key_create(name: str, role: str, expires: datetime | None) -> None:
    """Create a key and print it once (the last line of the output)."""
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)):
        raise click.ClickException(f"A key named '{name}' exists already.")
    expires_at = expires.replace(tzinfo=UTC) if expires else None
    if expires_at and expires_at <= datetime.now(UTC):
        raise click.ClickException("--expires must lie in the future.")
    _, plain = create_api_key(db.session, name, ApiRole(role), expires_at)
    db.session.commit()
    click.echo(f"Created the {role} key '{name}'. It is shown only now; store it safely:")
    click.echo(plain)


@api_key_cli.command("list")
def api_key_list() -> None:
    """List keys (name, role, prefix, created, state, last used)."""
    for key in db.session.scalars(select(ApiKey).order_by(ApiKey.name)):
        used = f"last used {key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
        click.echo(
            f"{key.name}\t{key.role}\t{key.prefix}…\t{key.created_at:%Y-%m-%d}\t"
            f"{_key_state(key)}\t{used}"
        )


def _key_state(key: ApiKey) -> str:
    if key.revoked_at:
        return f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
    if key.expires_at and key.expires_at <= datetime.now(UTC):
        return f"expired {key.expires_at:%Y-%m-%d %H:%M}"
    return f"active until {key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "active"


@api_key_cli.command("revoke")
@click.argument("name")
def api_key_revoke(name: str) -> None:
    """Revoke a key by name; it stops working at once."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise click.ClickException(f"There is no key named '{name}'.")
    revoke_api_key(key)
    db.session.commit()
    click.echo(f"Revoked '{name}'.")


@crm_cli.command("demo")
def demo() -> None:
    """Migrate, load the demo data into an empty database, and print an admin key."""
    schema.upgrade(current_app.config["DATABASE_URL"])
    loaded = load_demo_data_once(db.session)
    key_file = Path(current_app.instance_path) / "demo-admin-key.txt"
    key = ensure_demo_admin_key(db.session, key_file)
    db.session.commit()
    click.echo(
        "Loaded the demo data."
        if loaded
        else "The database has partners already: demo data not loaded again."
    )
    port = os.environ.get("PORT", "5000")
    click.echo(f"""
Swagger UI:     http://127.0.0.1:{port}/docs
Admin API key:  {key}
                (kept in {key_file}; paste it under "Authorize")
""")

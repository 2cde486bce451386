"""`flask crm idempotency purge`: the responses kept for repeated POSTs expire."""

import click
from flask.cli import AppGroup

from crm.database import db
from crm.http.idempotency import purge_expired

idempotency_cli = AppGroup(
    "idempotency", help="The responses kept for repeated POSTs (Idempotency-Key)."
)


@idempotency_cli.command("purge")
def idempotency_purge() -> None:
    """Delete the expired keys and their responses (which may hold personal data).
    Run it every hour or so, from cron or a systemd timer."""
    purged = 0
    while batch := purge_expired(limit=1000):
        purged += batch
        db.session.commit()
    db.session.commit()
    click.echo(f"Deleted {purged} expired Idempotency-Key(s).")

"""`flask crm privacy retention [--dry-run]`: erase the contacts whose retention period
has ended. Call it daily, from cron or a systemd timer, like the export runs.

The output names contacts by id only, never by name: it ends up in cron mails and logs.
"""

from datetime import date

import click
from flask.cli import AppGroup

from crm.database import db
from crm.privacy.retention import due_for_erasure, erase_due

privacy_cli = AppGroup("privacy", help="Data protection (Datenschutz, DSGVO).")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List who is due; erase nothing, change nothing.")
def retention(dry_run: bool) -> None:
    """Erase the contacts due under the retention rules (Speicherfristen)."""
    today = date.today()
    due = due_for_erasure(today) if dry_run else erase_due(today)
    for entry in due:
        click.echo(f"{entry.contact_id}\t{entry.retain_until}\t{entry.reason}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(due)} contact(s) due for erasure; nothing was erased (--dry-run).")
    else:
        db.session.commit()
        click.echo(f"Erased the personal data of {len(due)} contact(s).")

"""`flask crm network refresh`: betweenness computed ahead of time, for cron or a timer."""

import time
from datetime import date, datetime

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from crm.database import db
from crm.network.model import NetworkFilter
from crm.network.snapshots import refresh

network_cli = AppGroup("network", help="The network analysis (Netzwerkanalyse).")


@network_cli.command("refresh")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The network on that day, e.g. 2017-03-01; today when absent.",
)
def refresh_command(as_of: datetime | None) -> None:
    """Compute the betweenness of the whole network and keep it, unless it is unchanged.

    GET /api/v1/network/metrics uses the kept figures while the network stays exactly as
    it was. Run it often (every few minutes from cron, and after an import): a pass over
    an unchanged network only reads it.
    """
    day = as_of.date() if as_of else date.today()
    started = time.perf_counter()
    try:
        result = refresh(db.session, NetworkFilter(as_of=day))
        db.session.commit()
    except IntegrityError:
        # Another refresh stored the same network's figures first: nothing is missing.
        db.session.rollback()
        click.echo(f"Another refresh has just stored the network on {day}.")
        return
    found = result.betweenness
    how = "exact" if found.samples is None else f"sampled from {found.samples} sources"
    if result.computed_now:
        seconds = time.perf_counter() - started
        click.echo(f"Computed the betweenness ({how}) of the network on {day} in {seconds:.1f} s.")
    else:
        click.echo(
            f"The network on {day} is unchanged: its betweenness ({how}) was computed at "
            f"{found.computed_at:%Y-%m-%d %H:%M} UTC."
        )

"""`flask crm webhooks deliver`: the delivery worker, long-running or one pass for cron."""

import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup

from crm.changes.webhooks import DeliverySettings, deliver_once
from crm.database import db

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="One pass, then exit (for cron or a timer).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between passes of the long-running worker.",
)
def deliver(once: bool, interval: float) -> None:
    """Send due webhook deliveries: new changes, then retries whose wait is over.

    Without --once it runs until stopped (SIGTERM or Ctrl-C), finishing the pass it is
    in. Copies may run at once: each takes other deliveries. With --once it exits with
    status 1 when a delivery failed (it is retried by a later pass).
    """
    settings = DeliverySettings.of(current_app.config)
    stopping = []
    if not once:  # one pass is short; and the queue's worker runs it in a thread
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while True:
            result = deliver_once(db.session, settings)
            if once or result.delivered or result.failed:
                click.echo(f"{result.delivered} delivered, {result.failed} failed (retried later)")
            if once and result.failed:
                raise click.exceptions.Exit(1)
            if once or stopping:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        return
    finally:
        db.session.close()

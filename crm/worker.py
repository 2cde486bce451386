"""`flask crm worker`: runs the queue's jobs and the periodic work.

The periodic work is the one-shot commands cron users call (`exports run-due`, `network
refresh`, `webhooks deliver --once`, `privacy retention`, `idempotency purge`), run by
the worker on the schedules in `CRM_SCHEDULE_*` (crm/config.py): one definition of each,
the same output in the worker's log. Each is safe to run twice: exports are claimed row
by row, the rest finds nothing left to do.
"""

import logging

import click
from flask import current_app

from crm.changes.cli import deliver
from crm.http.cli import idempotency_purge
from crm.jobs.queue import periodic, queue
from crm.network.cli import refresh_command
from crm.privacy.cli import retention
from crm.reports.cli import run_due


def run_command(command: click.Command, **params) -> None:
    """Runs a `flask crm ...` command in the current app context. A command that exits
    with a status other than 0 (a failed export) fails the task, which the log shows."""
    with click.Context(command, info_name=command.name) as context:
        try:
            context.invoke(command, **params)
        except click.exceptions.Exit as exit:
            if exit.exit_code:
                raise RuntimeError(f"{command.name} exited with status {exit.exit_code}") from None


@periodic("crm.exports.run-due", "CRM_SCHEDULE_EXPORTS")
def run_due_exports() -> None:
    run_command(run_due)


@periodic("crm.network.refresh", "CRM_SCHEDULE_NETWORK_REFRESH")
def refresh_network() -> None:
    run_command(refresh_command)


@periodic("crm.webhooks.deliver", "CRM_SCHEDULE_WEBHOOKS")
def deliver_webhooks() -> None:
    run_command(deliver, once=True)


@periodic("crm.privacy.retention", "CRM_SCHEDULE_RETENTION")
def erase_due_contacts() -> None:
    run_command(retention)


@periodic("crm.idempotency.purge", "CRM_SCHEDULE_IDEMPOTENCY_PURGE")
def purge_idempotency_keys() -> None:
    run_command(idempotency_purge)


@click.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Jobs run side by side in this process (default: CRM_QUEUE_WORKERS).",
)
@click.option("--no-periodic", is_flag=True, help="Run jobs only, no periodic work.")
def worker_command(threads: int | None, no_periodic: bool) -> None:
    """Run queued jobs (imports sent with `Prefer: respond-async`) and the periodic work
    (exports, network refresh, webhook deliveries, retention, idempotency purge) until
    stopped: Ctrl-C (SIGINT) finishes the jobs running, SIGTERM ends them at once (a job
    ended so is taken up again). Run as many as you like, on several machines with Redis.
    """
    # huey's own lines (start, tasks, their errors) as JSON lines, like the app's.
    logging.getLogger("huey").handlers[:] = logging.getLogger("crm").handlers
    logging.getLogger("huey").setLevel(current_app.config["LOG_LEVEL"])
    consumer = queue().create_consumer(
        workers=threads or current_app.config["CRM_QUEUE_WORKERS"],
        worker_type="thread",
        periodic=not no_periodic,
    )
    consumer.run()

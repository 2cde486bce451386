"""`flask crm exports run-due`: what cron, a systemd timer or a Kubernetes CronJob calls."""

import sys
from collections.abc import Mapping
from contextlib import ExitStack

import click
from flask import current_app
from flask.cli import AppGroup

from crm.database import db
from crm.models import ExportRun
from crm.models.base import utcnow
from crm.models.export import ExportRunStatus
from crm.reports.export_runs import claim_due_schedule, run_schedule

exports_cli = AppGroup("exports", help="Scheduled exports (geplante Exporte).")


@exports_cli.command("run-due")
def run_due() -> None:
    """Run every export schedule that is due, then exit.

    Exits with status 1 when a run failed; the next call retries it. Copies started at
    the same time share the work and never run a schedule twice.
    """
    runs = run_due_schedules(current_app.config)
    if not runs:
        click.echo("No export is due.")
    if any(run.status == ExportRunStatus.failed for run in runs):
        raise click.exceptions.Exit(1)


def run_due_schedules(config: Mapping) -> list[ExportRun]:
    """Claim, run and commit one due schedule after the other until none is left."""
    now, attempted, runs = utcnow(), set(), []
    while (schedule := claim_due_schedule(now, skip=attempted)) is not None:
        attempted.add(schedule.id)
        name = schedule.name
        with ExitStack() as bars:

            def progress_for(total: int, label: str = name):
                # Drawn on a terminal only; elsewhere click prints the label once.
                bar = click.progressbar(length=total, label=label, file=sys.stderr)
                return bars.enter_context(bar).update

            run = run_schedule(schedule, config, progress_for)
        db.session.commit()
        runs.append(run)
        if run.status == ExportRunStatus.failed:
            click.echo(f"{name}: failed (attempt {run.attempts}): {run.error_message}")
        else:
            click.echo(f"{name}: {run.size_bytes} bytes to {run.delivered_to}")
    return runs

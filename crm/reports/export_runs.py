"""Running the export schedules that are due (`flask crm exports run-due`).

Each due schedule is claimed with a row lock that other copies skip (PostgreSQL:
`SELECT ... FOR UPDATE SKIP LOCKED`), so two copies started at once never run the same
schedule; `(schedule_id, due_at)` is unique as a second guard. A run that fails keeps its
file and the schedule's due time: the next call retries it.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Collection, Mapping

import marshmallow as ma
from flask import current_app
from sqlalchemy import select

from crm.database import db
from crm.models import ExportRun, ExportRunContact, ExportRunFile, ExportSchedule
from crm.models.base import utcnow
from crm.models.export import DateFormat, ExportDestination, ExportRunStatus
from crm.records import audit
from crm.reports.catalogue import build_scheduled_report
from crm.reports.destinations import DeliveryFailed, ExportFile, deliver, remove_delivered_file
from crm.reports.export_schedules import next_due
from crm.reports.formats import FORMATS, file_name, render
from crm.reports.report import Progress
from crm.reports.reporting import local_day

log = logging.getLogger("crm.exports")

ProgressFor = Callable[[int], Progress]


def claim_due_schedule(now, skip: Collection[uuid.UUID] = ()) -> ExportSchedule | None:
    """The next due schedule, locked for this transaction; None when none is left."""
    return db.session.scalar(
        select(ExportSchedule)
        .where(
            ExportSchedule.enabled.is_(True),
            ExportSchedule.next_run_at <= now,
            ExportSchedule.id.not_in(skip),
        )
        .order_by(ExportSchedule.next_run_at, ExportSchedule.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def run_schedule(
    schedule: ExportSchedule, config: Mapping, progress_for: ProgressFor | None = None
) -> ExportRun:
    """Make and deliver the export due at `schedule.next_run_at`, or retry it."""
    run = _run_for(schedule)
    try:
        if run.file is None:
            _make_file(schedule, run, progress_for)
        export = ExportFile(run.file_name, run.media_type, run.file.content)
        run.delivered_to = deliver(schedule, export, config)
    except (DeliveryFailed, ma.ValidationError) as error:
        _failed(run, _describe(error))
    except Exception as error:
        log.exception("export failed", extra={"schedule_id": str(schedule.id)})
        _failed(run, f"Unexpected error ({type(error).__name__}); the server log has details.")
    else:
        run.status, run.error_message = ExportRunStatus.succeeded, None
        if schedule.destination != ExportDestination.database:
            run.file = None
        schedule.next_run_at = next_due(schedule.cron, schedule.time_zone, utcnow())
    run.finished_at = utcnow()
    db.session.flush()
    return run


def _run_for(schedule: ExportSchedule) -> ExportRun:
    """The run of this due time: a new one, or the failed one to retry."""
    run = db.session.scalar(
        select(ExportRun).where(
            ExportRun.schedule_id == schedule.id, ExportRun.due_at == schedule.next_run_at
        )
    )
    if run is None:
        run = ExportRun(schedule_id=schedule.id, due_at=schedule.next_run_at, attempts=0)
        db.session.add(run)
    run.attempts += 1
    run.started_at = run.finished_at = utcnow()
    # Until it ends, a run counts as failed: it is flushed before it has a result.
    _failed(run, "The run did not finish.")
    return run


def _make_file(schedule: ExportSchedule, run: ExportRun, progress_for: ProgressFor | None):
    # A savepoint: a failing query rolls back to here and keeps the schedule's lock.
    with db.session.begin_nested():
        today = local_day(run.due_at)
        report = build_scheduled_report(schedule.report, schedule.parameters, today)
    content = render(
        report,
        schedule.format,
        german_dates=schedule.date_format == DateFormat.german,
        progress=progress_for(report.row_count) if progress_for else None,
    )
    run.file_name = file_name(report, schedule.format, run.due_at)
    run.media_type = FORMATS[schedule.format].media_type
    run.file = ExportRunFile(content=content)
    run.size_bytes = len(content)
    run.checksum_sha256 = hashlib.sha256(content).hexdigest()
    run.contacts = [ExportRunContact(contact_id=i) for i in sorted(report.contact_ids)]


def _failed(run: ExportRun, message: str) -> None:
    run.status, run.error_message = ExportRunStatus.failed, message


def _describe(error: Exception) -> str:
    if isinstance(error, ma.ValidationError):
        return f"The schedule's parameters are no longer valid: {error.normalized_messages()}"
    return str(error)


def runs_holding_contact(contact_id: uuid.UUID) -> list[ExportRun]:
    """The stored exports whose files hold this contact's personal data: what an erasure
    (DSGVO Art. 17) must delete along with the person."""
    return db.session.scalars(
        select(ExportRun)
        .join(ExportRunContact)
        .where(ExportRunContact.contact_id == contact_id)
        .order_by(ExportRun.due_at)
    ).all()


def delete_run(run: ExportRun) -> None:
    """The run goes with everything it made: the file kept for download and the copy it
    wrote to the export directory (e-mails are with their recipients)."""
    remove_delivered_file(run.delivered_to, current_app.config)
    audit.record_deletion(run)
    db.session.delete(run)


def delete_schedule(schedule: ExportSchedule) -> None:
    """The schedule goes with its runs and their files."""
    for run in db.session.scalars(select(ExportRun).where(ExportRun.schedule_id == schedule.id)):
        delete_run(run)
    audit.record_deletion(schedule)
    db.session.delete(schedule)

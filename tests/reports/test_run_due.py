"""`flask crm exports run-due`: due schedules run once, to the database, a directory or a
real local SMTP server; a failing destination fails the run, keeps the file, and the
next call retries."""

import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.models import ExportRun, ExportSchedule
from crm.models.export import ExportRunStatus
from crm.reports.cli import run_due_schedules
from crm.reports.export_runs import claim_due_schedule, run_schedule, runs_holding_contact
from tests.factories import make_contact, make_group, make_partner, make_schedule

PAST = datetime(2026, 3, 1, 6, tzinfo=UTC)  # 07:00 in Berlin


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, _server, _session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def export_config(app, tmp_path, monkeypatch):
    for key, value in {
        "CRM_EXPORT_DIRECTORY": str(tmp_path),
        "CRM_SMTP_HOST": "127.0.0.1",
        "CRM_SMTP_PORT": free_port(),
        "CRM_SMTP_SECURITY": "none",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return app.config


@pytest.fixture
def smtp_sink(export_config):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=export_config["CRM_SMTP_PORT"])
    controller.start()
    yield sink
    controller.stop()


def run_due(app):
    return app.test_cli_runner().invoke(args=["crm", "exports", "run-due"])


def runs_of(session, schedule) -> list[ExportRun]:
    session.expire_all()
    return session.scalars(select(ExportRun).where(ExportRun.schedule_id == schedule.id)).all()


def test_runs_a_due_schedule_and_keeps_the_file(app, session, export_config):
    schedule = make_schedule(session, next_run_at=PAST)
    result = run_due(app)
    assert result.exit_code == 0, result.output
    [run] = runs_of(session, schedule)
    assert (run.status, run.due_at, run.attempts) == (ExportRunStatus.succeeded, PAST, 1)
    assert run.file.content.startswith(b"\xef\xbb\xbf")
    assert (run.size_bytes, run.file_name) == (
        len(run.file.content),
        "expiring_agreements-2026-03-01-0700.csv",
    )


def test_a_run_moves_the_schedule_to_its_next_time(app, session, export_config):
    schedule = make_schedule(session, next_run_at=PAST)
    run_due(app)
    session.refresh(schedule)
    assert schedule.next_run_at > datetime.now(UTC)


def test_says_so_when_nothing_is_due(app, session, export_config):
    make_schedule(session, next_run_at=datetime.now(UTC) + timedelta(hours=1))
    make_schedule(session, next_run_at=PAST, enabled=False)
    result = run_due(app)
    assert (result.exit_code, result.output) == (0, "No export is due.\n")


def test_writes_to_a_folder_below_the_export_directory(app, session, export_config, tmp_path):
    schedule = make_schedule(
        session, next_run_at=PAST, destination="directory", directory="berichte/2026"
    )
    run_due(app)
    [run] = runs_of(session, schedule)
    written = tmp_path / "berichte" / "2026" / run.file_name
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run.delivered_to == str(written)
    assert run.file is None


def test_written_files_and_folders_are_for_the_service_alone(app, session, export_config, tmp_path):
    schedule = make_schedule(session, next_run_at=PAST, destination="directory", directory="a/b")
    run_due(app)
    [run] = runs_of(session, schedule)
    assert Path(run.delivered_to).stat().st_mode & 0o777 == 0o600
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("deleted", ["export-runs", "export-schedules"])
def test_deleting_a_run_or_its_schedule_removes_the_written_file(
    app, session, export_config, admin, deleted
):
    schedule = make_schedule(session, next_run_at=PAST, destination="directory")
    run_due(app)
    [run] = runs_of(session, schedule)
    record = run if deleted == "export-runs" else schedule
    url = f"/api/v1/{deleted}/{record.id}"
    etag = admin.get(url).headers["ETag"]
    assert admin.delete(url, headers={"If-Match": etag}).status_code == 204
    assert not Path(run.delivered_to).exists()


def test_sends_the_file_through_the_smtp_server(app, session, smtp_sink):
    recipients = ["koordination@example.org"]
    schedule = make_schedule(
        session, next_run_at=PAST, destination="email", email_recipients=recipients
    )
    run_due(app)
    [run] = runs_of(session, schedule)
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == recipients
    assert f'filename="{run.file_name}"' in envelope.content.decode()
    assert run.status == ExportRunStatus.succeeded


def test_a_failing_destination_fails_the_run_and_loses_nothing(app, session, export_config):
    # Nothing listens on the configured SMTP port.
    schedule = make_schedule(
        session, next_run_at=PAST, destination="email", email_recipients=["a@example.org"]
    )
    result = run_due(app)
    assert result.exit_code == 1
    [run] = runs_of(session, schedule)
    assert run.status == ExportRunStatus.failed
    assert run.error_message.startswith("Could not send through the SMTP server 127.0.0.1:")
    assert run.file is not None
    assert schedule.next_run_at == PAST


def test_the_next_call_retries_the_failed_run(app, session, export_config):
    schedule = make_schedule(
        session, next_run_at=PAST, destination="email", email_recipients=["a@example.org"]
    )
    run_due(app)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=export_config["CRM_SMTP_PORT"])
    controller.start()
    try:
        assert run_due(app).exit_code == 0
    finally:
        controller.stop()
    [run] = runs_of(session, schedule)
    assert (run.status, run.attempts, run.error_message) == (ExportRunStatus.succeeded, 2, None)
    assert len(sink.envelopes) == 1


def test_records_whose_personal_data_a_file_holds(app, session, export_config):
    contact = make_contact(session, partner_id=make_partner(session).id)
    schedule = make_schedule(session, next_run_at=PAST, report="partner_directory")
    run_due(app)
    with app.app_context():
        assert [run.schedule_id for run in runs_holding_contact(contact.id)] == [schedule.id]


def test_a_scheduled_group_report_covers_the_period_before_the_day_it_was_due(
    app, session, export_config
):
    group = make_group(session)
    parameters = {"steering_group_id": str(group.id), "period": "previous_month"}
    schedule = make_schedule(
        session,
        next_run_at=PAST,
        report="steering_group_report",
        parameters=parameters,
        format="json",
    )
    run_due(app)
    [run] = runs_of(session, schedule)
    assert json.loads(run.file.content)["parameters"] == {"from": "2026-02-01", "to": "2026-02-28"}


def test_reports_progress_row_by_row(app, session, export_config):
    for _ in range(3):
        make_partner(session)
    schedule = make_schedule(session, next_run_at=PAST, report="partner_directory")
    totals, advanced = [], []

    def progress_for(total):
        totals.append(total)
        return advanced.append

    with app.app_context():
        run_schedule(session.merge(schedule), export_config, progress_for)
    assert sum(advanced) == totals[0] >= 3


# Two copies at once: PostgreSQL's row locks, with data committed for real.


@pytest.fixture
def committed_schedules(app, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent transactions are PostgreSQL's")
    with Session(engine) as session:
        schedules = [
            ExportSchedule(
                name=f"concurrency-{n}",
                report="expiring_agreements",
                format="csv",
                cron="0 7 * * *",
                destination="database",
                next_run_at=PAST + timedelta(minutes=n),
            )
            for n in range(4)
        ]
        session.add_all(schedules)
        session.commit()
        ids = [schedule.id for schedule in schedules]
        yield ids
        session.execute(delete(ExportSchedule).where(ExportSchedule.id.in_(ids)))
        session.commit()


def test_a_schedule_locked_by_one_copy_is_skipped_by_another(app, committed_schedules):
    now = datetime.now(UTC)
    mine = set(committed_schedules)
    with app.app_context():
        first = claim_due_schedule(now)
        with app.app_context():
            second = claim_due_schedule(now)
            assert {first.id, second.id} <= mine and first.id != second.id


def test_two_copies_at_once_run_each_schedule_once(app, engine, committed_schedules):
    start = threading.Barrier(2, timeout=10)
    results = []

    def copy():
        with app.app_context():
            start.wait()
            results.extend(run_due_schedules(app.config))

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with Session(engine) as session:
        runs = session.scalars(
            select(ExportRun).where(ExportRun.schedule_id.in_(committed_schedules))
        ).all()
    assert sorted(run.schedule_id for run in runs) == sorted(committed_schedules)
    assert {run.status for run in runs} == {ExportRunStatus.succeeded}

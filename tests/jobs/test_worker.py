"""`flask crm worker` runs the periodic work on its schedules, on the real queue, and
`make run` (serve.py) starts the API and a worker together and stops both on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import create_app
from crm.jobs.queue import parse_schedule
from crm.models import ExportRun
from tests.factories import make_schedule
from tests.jobs.conftest import wait_for, worker


def test_two_workers_started_together_export_a_due_schedule_once(app_of, environment, tmp_path):
    environment |= {"CRM_SCHEDULE_EXPORTS": "* * * * *"}  # checked as each worker starts
    app = app_of(environment)
    with Session(app.extensions["crm.engine"]) as session:
        schedule_id = make_schedule(session).id
        session.commit()

    def runs() -> list[ExportRun]:
        with Session(app.extensions["crm.engine"]) as session:
            query = select(ExportRun).where(ExportRun.schedule_id == schedule_id)
            return session.scalars(query).all()

    log = tmp_path / "workers.log"
    with worker(environment, log), worker(environment, log):
        wait_for(runs, what="the export run")
        time.sleep(3)  # time for the second worker's copy of the task
    assert [run.status.value for run in runs()] == ["succeeded"], log.read_text()
    assert log.read_text().count("bytes to database") == 1


@pytest.mark.parametrize("expression", ["*/5 * * * *", "30 2 * * 1-5", "0 7 1,15 * *", "off"])
def test_schedules_are_cron_expressions_or_off(expression):
    schedule = parse_schedule(expression)
    assert (schedule is None) == (expression == "off")


@pytest.mark.parametrize("expression", ["*/5 * * *", "every day", "61 * * * *", "* * * * 9"])
def test_a_wrong_schedule_stops_the_start(expression, monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CRM_SCHEDULE_RETENTION", expression)
    with pytest.raises(ValueError):
        create_app()


def test_make_run_serves_and_ctrl_c_stops_the_api_and_the_worker(environment, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "serve.py", "--bind", f"127.0.0.1:{port}"],
            env=os.environ | environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                return answer.status == 200
        except OSError:
            return False

    try:
        wait_for(answers, seconds=120, what="the API")  # a loaded machine starts slowly
        children = _descendants(serve.pid)
        commands = " ".join(command for _, _, command in children)
        assert "gunicorn" in commands and "crm worker" in commands
        os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
        assert serve.wait(timeout=60) == 0
        alive = {pid for pid, _, _ in _processes()}
        assert not alive & {pid for pid, _, _ in children}
    finally:
        for pid, _, _ in _descendants(serve.pid):
            os.kill(pid, signal.SIGKILL)
        if serve.poll() is None:
            serve.kill()
            serve.wait(timeout=30)


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    listing = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split(None, 2) for line in listing.splitlines()]
    return [(int(pid), int(ppid), command) for pid, ppid, command in rows]


def _descendants(ancestor: int) -> list[tuple[int, int, str]]:
    processes, found, parents = _processes(), [], {ancestor}
    while new := [row for row in processes if row[1] in parents and row not in found]:
        found += new
        parents = {pid for pid, _, _ in new}
    return found

"""The API next to its baseline, under gunicorn on PostgreSQL, loaded by wrk.

    .venv/bin/python -m bench.run [--scale 1] [--seconds 10] [--requests 20000]

Creates the database `crm_bench` on the server (`--server`, default the local one), migrates
and fills it (bench.generate), starts the API and the baseline (bench.baseline) under
gunicorn with the same settings, checks that both answer every benchmarked request alike,
counts the statements per request, loads each endpoint from wrk (a separate process, on
loopback), and writes the table to bench/RESULTS.md. The database is dropped at the end.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench import report
from bench.generate import generate, sizes
from bench.load import run_wrk
from bench.probe import count_statements, plans
from bench.scenarios import HOST, fetch, pick, same_answer
from crm import schema
from crm.database import make_engine
from crm.http.auth import create_api_key
from crm.models.enums import ApiRole

ROOT = Path(__file__).resolve().parent.parent
APPS = {"api": "wsgi:app", "baseline": "bench.baseline:app"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 partners")
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint and app")
    parser.add_argument(
        "--requests", type=int, default=20_000, help="at most, per endpoint and app"
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep crm_bench for --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure a kept crm_bench")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.exit(2, "The load generator wrk is missing: apt-get install -y wrk (Debian).\n")
    url = make_url(args.server).set(database="crm_bench").render_as_string(hide_password=False)
    if not args.reuse:
        _recreate_database(args.server, drop_only=False)
    try:
        _run(args, url)
    finally:
        if not args.keep:
            _recreate_database(args.server, drop_only=True)


def _run(args: argparse.Namespace, url: str) -> None:
    generation_seconds = 0.0
    if not args.reuse:
        print(f"Migrating, generating {sizes(args.scale)['partners']:,} partners ...", flush=True)
        schema.upgrade(url)
        started = time.perf_counter()
        generate(url, scale=args.scale)
        generation_seconds = time.perf_counter() - started
    key = api_key(url)
    with tempfile.TemporaryDirectory() as logs:
        servers = {name: serve(app, url, args.workers, Path(logs)) for name, app in APPS.items()}
        try:
            bases = {name: f"http://127.0.0.1:{port}" for name, (_, port) in servers.items()}
            scenarios = pick(url.replace("+psycopg", ""), bases["api"], key)
            _check_answers(scenarios, bases, key)
            statements = count_statements(url, key, scenarios)
            explained = plans(url, key, scenarios)
            results = {}
            for scenario in scenarios:
                print(f"  {scenario.name}", flush=True)
                results[scenario.name] = {
                    name: run_wrk(
                        bases[name],
                        scenario.requests,
                        {"Authorization": f"Bearer {key}", "Host": HOST},
                        seconds=args.seconds,
                        max_requests=args.requests,
                        connections=args.connections,
                        worker_pids=workers_of(process.pid),
                    )
                    for name, (process, _) in servers.items()
                }
        finally:
            for process, _ in servers.values():
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    args.output.write_text(
        report.markdown(args, scenarios, results, statements, explained, generation_seconds)
    )
    print(f"Wrote {args.output}")


def _recreate_database(server: str, *, drop_only: bool) -> None:
    dsn = make_url(server).render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS crm_bench WITH (FORCE)")
        if not drop_only:
            connection.execute("CREATE DATABASE crm_bench")


def api_key(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        _, key = create_api_key(session, f"bench-{time.time_ns()}", ApiRole.editor)
        session.commit()
    engine.dispose()
    return key


def serve(
    app: str, url: str, workers: int, logs: Path, options: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, int]:
    """gunicorn with the settings of README.md's deployment (and `options`), on a free
    loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (logs / f"{app.split(':')[0]}.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            *options,
            app,
        ],
        cwd=ROOT,
        # No rate limit: one key asks thousands of times a second here (see RESULTS.md).
        env=os.environ | {"DATABASE_URL": url, "CRM_RATE_LIMIT": ""},
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        with socket.socket() as attempt:
            if attempt.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(0.5)  # let every worker boot
                return process, port
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app} did not start: {(logs / log.name).read_text()[-2000:]}")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _check_answers(scenarios: list, bases: dict[str, str], key: str) -> None:
    """Every benchmarked request gets the same answer from both (writes: ids and times
    aside); a difference stops the run."""
    for scenario in scenarios:
        answers = [fetch(bases[name], key, scenario.requests[-1]) for name in APPS]
        difference = same_answer(scenario, *answers)
        if difference:
            raise SystemExit(f"{scenario.name}: the API and the baseline differ: {difference}")
        if answers[0][0] >= 400:
            raise SystemExit(f"{scenario.name}: {answers[0][0]} {answers[0][2][:300]!r}")


if __name__ == "__main__":
    main()

"""The result table, as markdown, with the machine it was measured on."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.generate import sizes

TARGETS = {"list": 0.4, "get": 0.5, "search": 0.4}


def markdown(args, scenarios, results, statements, explained, generation_seconds) -> str:
    counts = sizes(args.scale)
    lines = [
        "# Benchmark: the API next to its baseline",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (`python -m bench.run "
        f"--scale {args.scale:g} --seconds {args.seconds} --requests {args.requests}`).",
        "",
        f"- Machine: {machine(args.server)}; load average {os.getloadavg()[0]:.1f} at the end "
        "(the machine is shared: absolute figures vary, the ratios much less).",
        f"- Data: {counts['partners']:,} partners, {counts['contacts']:,} contacts, "
        f"{counts['steering_groups']:,} steering groups, {counts['memberships']:,} memberships, "
        f"{counts['agreements']:,} agreements; "
        + (
            f"generated and loaded in {generation_seconds:.0f} s."
            if generation_seconds
            else "loaded by an earlier run (`--reuse`)."
        ),
        f"- Servers: gunicorn, {args.workers} sync workers each, on loopback; load: wrk "
        f"(1 thread, {args.connections} connections, at most {args.seconds} s or "
        f"{args.requests:,} requests per endpoint and app).",
        "- Baseline: `bench/baseline.py`, Flask + psycopg, the same SQL, JSON by hand; its "
        "answers are checked byte for byte against the API's before the load (writes: ids "
        "and times aside).",
        "- Ratios are API / baseline. Statements are round trips to PostgreSQL per request, "
        "counted from a libpq trace (transaction control and pool pings included).",
        "",
        "| endpoint | API req/s | baseline req/s | ratio | target | API p50 ms | API p99 ms "
        "| baseline p99 ms | p99 ratio | statements API / baseline | peak RSS MB API / baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in scenarios:
        api, base = results[scenario.name]["api"], results[scenario.name]["baseline"]
        api_count, base_count, _ = statements[scenario.name]
        target = TARGETS.get(scenario.kind)
        errors = f" ({api.errors + base.errors} errors)" if api.errors + base.errors else ""
        lines.append(
            f"| {scenario.name}{errors} | {api.requests_per_second:,.0f} "
            f"| {base.requests_per_second:,.0f} "
            f"| {api.requests_per_second / base.requests_per_second:.2f} "
            f"| {f'>= {target}' if target else '-'} | {api.p50_ms:.1f} | {api.p99_ms:.1f} "
            f"| {base.p99_ms:.1f} | {api.p99_ms / base.p99_ms:.1f} | {api_count} / {base_count} "
            f"| {api.peak_rss_mb:.0f} / {base.peak_rss_mb:.0f} |"
        )
    lines += ["", "## The API's statements per request", ""]
    for scenario in scenarios:
        _, _, sent = statements[scenario.name]
        lines.append(f"- **{scenario.name}**: " + "; ".join(_short(s) for s in sent))
    lines += ["", "## Plans (EXPLAIN ANALYZE of the API's page statement)", ""]
    for name, plan in explained.items():
        lines += [f"### {name}", "", "```", plan, "```", ""]
    return "\n".join(lines) + "\n"


def _short(statement: str) -> str:
    text = " ".join(statement.strip('"').split())
    return f"`{text[:70]}{' ...' if len(text) > 70 else ''}`" if text else "`(ping)`"


def machine(server: str) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    with psycopg.connect(server.replace("+psycopg", "")) as connection:
        server = connection.execute("SHOW server_version").fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[:2]
    cores = len(
        [
            line
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("processor")
        ]
    )
    return (
        f"{cpu}, {cores} cores, {memory_kb / 1024 / 1024:.0f} GB RAM; Linux "
        f"{platform.release()}; Python {platform.python_version()}; PostgreSQL {server}; "
        f"{' '.join(wrk)}"
    )

"""Load from a separate process: wrk on loopback, bounded in time and in requests, with the
workers' memory sampled while it runs."""

import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    peak_rss_mb: float


def run_wrk(
    base_url: str,
    requests: list[dict],
    headers: dict[str, str],
    *,
    seconds: int,
    max_requests: int,
    connections: int,
    worker_pids: list[int],
) -> Load:
    """Send `requests` ({method, path, body}) round-robin; stop at `seconds` or at
    `max_requests`, whichever comes first."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as plan:
        plan.write(_plan(requests, headers, max_requests))
    sampler = RssSampler(worker_pids)
    sampler.start()
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                plan.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        sampler.stop()
        Path(plan.name).unlink()
    return Load(
        requests_per_second=float(_find(r"Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_millis(_find(r"\s50%\s+([\d.]+\w+)", output)),
        p99_ms=_millis(_find(r"\s99%\s+([\d.]+\w+)", output)),
        requests=int(_find(r"(\d+) requests in", output)),
        errors=int(_find(r"Non-2xx or 3xx responses: (\d+)", output, "0")),
        peak_rss_mb=sampler.peak_mb,
    )


def _plan(requests: list[dict], headers: dict[str, str], max_requests: int) -> str:
    """The Lua variables that wrk.lua reads, then wrk.lua itself."""

    def lua(text: str | None) -> str:
        return "nil" if text is None else "[==[" + text + "]==]"

    entries = ",\n".join(
        f"{{method={lua(r['method'])}, path={lua(r['path'])}, body={lua(r.get('body'))}}}"
        for r in requests
    )
    header_lines = ",\n".join(f"[ {lua(k)} ] = {lua(v)}" for k, v in headers.items())
    return (
        f"plan = {{\n{entries}\n}}\nplan_headers = {{\n{header_lines}\n}}\n"
        f"max_requests = {max_requests}\n" + LUA.read_text()
    )


def _find(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match is None:
        if default is not None:
            return default
        raise ValueError(f"wrk printed no {pattern!r}:\n{text}")
    return match.group(1)


def _millis(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


class RssSampler(threading.Thread):
    """The largest resident set of any one worker while the load runs."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for pid in self.pids:
                self.peak_mb = max(self.peak_mb, rss_mb(pid))
            time.sleep(0.1)

    def stop(self) -> None:
        self._done.set()
        self.join()


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    return int(_find(r"VmRSS:\s+(\d+) kB", status, "0")) / 1024

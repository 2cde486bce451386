"""`make run`: the API under gunicorn (with gunicorn.conf.py) and a queue worker
(`flask crm worker`), started together and stopped together.

Ctrl-C (SIGINT) or SIGTERM stops both, each gracefully (gunicorn: SIGTERM, finishing its
requests; the worker: SIGINT, finishing its jobs); when either ends by itself, the other
is stopped too, and the exit status is the first one's. Arguments go to gunicorn
(`python serve.py --bind 127.0.0.1:8080`).
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 30


def main(gunicorn_arguments: list[str]) -> int:
    scripts = Path(sys.executable).parent
    gunicorn = [scripts / "gunicorn", "-c", "gunicorn.conf.py", *gunicorn_arguments, "wsgi:app"]
    worker = [scripts / "flask", "--app", "wsgi", "crm", "worker"]
    stopping = []
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stopping.append(True))
    # In process groups of their own, so that Ctrl-C reaches this process only, which
    # passes on the signal each one stops gracefully by, once.
    children = {
        subprocess.Popen(gunicorn, process_group=0): signal.SIGTERM,
        subprocess.Popen(worker, process_group=0): signal.SIGINT,
    }
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    ended = [child.returncode for child in children if child.poll() is not None]
    for child, graceful in children.items():
        if child.poll() is None:
            child.send_signal(graceful)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return ended[0] if ended and not stopping else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

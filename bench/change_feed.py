"""Benchmark: the change feed's last page costs what its first costs (keyset).

    .venv/bin/python -m bench.change_feed [--changes 200000] [--database-url URL]

Fills a scratch database (SQLite by default; a URL must name an empty database made for
it) with `--changes` change events, then times the median of reading a page of 100 from
the start and from just before the end. Exits 1 when the last page costs more than twice
the first (plus 1 ms of noise).
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from crm import schema
from crm.changes.feed import FeedPosition, changes_after
from crm.database import make_engine
from crm.models import ChangeEvent

PAGE = 100


def fill(session: Session, count: int) -> None:
    now = datetime.now(UTC)
    for start in range(0, count, 10_000):
        rows = [
            {
                "txid": 1 + n // 3,  # a few changes per transaction
                "occurred_at": now,
                "resource_type": "partner",
                "resource_id": uuid.uuid4(),
                "action": "update",
                "changed_fields": ["name"],
            }
            for n in range(start, min(start + 10_000, count))
        ]
        session.execute(insert(ChangeEvent), rows)
    session.commit()
    # As a database in use has them: statistics for the planner.
    session.execute(text("ANALYZE change_events"))
    session.commit()


def median_ms(session: Session, start: FeedPosition, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        page = changes_after(session, start, PAGE)
        times.append((time.perf_counter() - began) * 1000)
        assert len(page) == PAGE
        session.rollback()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'feed.sqlite3'}"
        schema.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            fill(session, args.changes)
            near_end = FeedPosition.of(
                session.scalars(
                    select(ChangeEvent).order_by(ChangeEvent.position.desc()).offset(PAGE)
                ).first()
            )
            first, deep = median_ms(session, FeedPosition()), median_ms(session, near_end)
        engine.dispose()
    print(f"{args.changes:,} changes: first page {first:.2f} ms, last page {deep:.2f} ms")
    return 0 if deep <= 2 * first + 1 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: importing 10,000 partners, then 30,000 contacts at them (target: both within
30 s), through `POST /api/v1/imports` as a client sends them.

    .venv/bin/python -m bench.imports [--partners 10000] [--contacts 30000]
                                      [--database-url URL] [--seed 7]

Against a scratch SQLite database unless `--database-url` names another (PostgreSQL:
an empty database; the migrations are applied). The partners' names are generated like
bench/duplicates.py's, distinct; the contacts name their partner by name, as a list from
Outlook would. Exits 1 when the two imports take 30 s or more together.
"""

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.duplicates import KINDS, WORDS, _town
from crm import create_app, schema
from crm.database import db
from crm.http.auth import create_api_key
from crm.models.enums import ApiRole

TARGET_S = 30.0
GIVEN = "Anna Ayşe Bernd Omar Fatma Jürgen Maria Mehmet Olga Sven Leyla Dariusz".split()
FAMILY = "Schäfer Meier Y\u0131lmaz Nowak Haddad Öztürk Becker Popescu Wagner Rahimi".split()


def partner_names(count: int, rng: random.Random) -> list[str]:
    towns = [_town(rng) for _ in range(max(1, count // 20))]
    names: set[str] = set()
    while len(names) < count:
        names.add(f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(towns)}")
    return sorted(names)


def partners_csv(names: list[str]) -> bytes:
    lines = ["Name;Art;Sektor;PLZ;Ort"]
    lines += [
        f"{name};Verein;extern;{10000 + i % 89999};{name.split()[-1]}"
        for i, name in enumerate(names)
    ]
    return "\r\n".join(lines).encode()


def contacts_csv(names: list[str], count: int, rng: random.Random) -> bytes:
    lines = ["Vorname;Nachname;Organisation;E-Mail;Rechtsgrundlage"]
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        lines.append(
            f"{given};{family}{n};{rng.choice(names)};p{n}@example.org;öffentliche Aufgabe"
        )
    return "\r\n".join(lines).encode()


def timed_import(client, content: bytes, resource: str) -> tuple[float, dict]:
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        f"/api/v1/imports?resource={resource}",
        data={"file": (io.BytesIO(content), f"{resource}.csv")},
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 201:
        sys.exit(f"{resource}: {response.status_code} {response.get_data(as_text=True)[:500]}")
    counts = response.json["counts"]
    print(
        f"{resource}: {counts['created']:,} created, {counts['skipped']:,} skipped as likely "
        f"duplicates, in {elapsed:.1f} s, {cpu:.1f} s CPU here ({len(content):,} bytes)"
    )
    return elapsed, response.json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = partner_names(args.partners, rng)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        schema.upgrade(url)
        app = create_app({"DATABASE_URL": url, "CRM_RATE_LIMIT": "1000000/minute"})
        with app.app_context():
            _, key = create_api_key(db.session, f"bench-{time.time_ns()}", ApiRole.editor)
            db.session.commit()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        total, report = timed_import(client, partners_csv(names), "partners")
        # The contacts name partners that were created, not those skipped as duplicates.
        created = [names[row["row"] - 2] for row in report["rows"] if row["action"] == "create"]
        elapsed, _ = timed_import(client, contacts_csv(created, args.contacts, rng), "contacts")
        total += elapsed
        db.dispose(app)
    print(f"together {total:.1f} s (target: under {TARGET_S:.0f} s)")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

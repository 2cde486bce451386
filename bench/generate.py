"""Deterministic bench data for a state-wide deployment, written in bulk.

    .venv/bin/python -m bench.generate DATABASE_URL [--scale 0.1] [--seed 9]

Full size (`--scale 1`): 100,000 partners, 500,000 contacts (a few partners have hundreds,
most a handful), 2,000 steering groups with 30,000 memberships, 20,000 agreements with
their parties, and links to topics, target groups and 400 municipalities. The database
must be migrated and otherwise empty. PostgreSQL is loaded with COPY, SQLite with
executemany; the search and sort columns are computed as the models compute them.
"""

import argparse
import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, create_engine, select, text

from bench.names import (
    FAMILY_NAMES,
    FUNCTIONS,
    GIVEN_NAMES,
    LANGUAGES,
    LEGAL_FORMS,
    ORGANISATIONS,
    STREETS,
    WORDS,
    ascii_slug,
    town,
)
from bench.writer import write_rows
from crm.config import database_url
from crm.database import Base
from crm.matching.records import mail_domain, name_sound, website_host
from crm.models import Agreement, Contact, Partner, SteeringGroup
from crm.text import fold, search_key

FULL_SIZE = {
    "municipalities": 400,
    "partners": 100_000,
    "contacts": 500_000,
    "steering_groups": 2_000,
    "memberships": 30_000,
    "agreements": 20_000,
}
EPOCH = datetime(2019, 1, 1, tzinfo=UTC)
GROUP_KINDS = {
    "steering_group": "Steuerungsgruppe",
    "network": "Netzwerk",
    "working_group": "Arbeitskreis",
    "round_table": "Runder Tisch",
    "committee": "Gremium",
}
THEMES = ["Integration", "Bildung & Sprache", "Willkommen bei Freunden", "Übergang Schule-Beruf"]
ROLES = ["member"] * 12 + ["advisor", "guest", "deputy_chair"]


def sizes(scale: float) -> dict[str, int]:
    return {table: max(2, round(count * scale)) for table, count in FULL_SIZE.items()}


def skewed_weights(count: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights: the first few get much, most get a little."""
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += rank**-exponent
        cumulative.append(total)
    return cumulative


class Generator:
    """Rows for every table, from one seeded random source, in foreign-key order."""

    def __init__(self, connection: Connection, sizes: dict[str, int], seed: int):
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.towns = [town(self.rng) for _ in range(max(10, sizes["partners"] // 20))]
        self.vocabulary = {
            name: connection.execute(select(Base.metadata.tables[name].c.id)).scalars().all()
            for name in ("topics", "target_groups")
        }
        self.partner_ids: list[uuid.UUID] = []
        self.partner_domains: list[str] = []
        self.first_contact: dict[int, uuid.UUID] = {}
        self.group_ids: list[uuid.UUID] = []

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def resource(self, **fields) -> dict:
        created = EPOCH + timedelta(seconds=self.rng.randrange(6 * 365 * 86_400))
        updated = created + timedelta(seconds=self.rng.randrange(365 * 86_400))
        return {"id": self.uuid(), "created_at": created, "updated_at": updated, "version": 1} | (
            fields
        )

    def day(self, first_year: int = 2012, last_year: int = 2025) -> date:
        return date(first_year, 1, 1) + timedelta(
            days=self.rng.randrange((last_year - first_year) * 365)
        )

    def links(self, owner: str, owner_ids: list, vocabulary: str, ids: list, most: int):
        for owner_id in owner_ids:
            for linked in self.rng.sample(ids, self.rng.randint(0, most)):
                yield {f"{owner}_id": owner_id, f"{vocabulary}_id": linked}

    def municipalities(self) -> Iterator[dict]:
        places = dict.fromkeys(self.towns)
        for place in list(places)[: self.sizes["municipalities"]]:
            label = f"Gemeinde {place}"
            row = self.resource(code=ascii_slug(place), label_de=label, label_en=label)
            yield row | {"search_text": search_key(row["code"], label), "sort_name": fold(label)}

    def partners(self) -> Iterator[dict]:
        rng = self.rng
        for number in range(self.sizes["partners"]):
            organisation, kind = rng.choice(ORGANISATIONS)
            place = rng.choice(self.towns)
            name = f"{organisation} {rng.choice(WORDS)} {place}{rng.choice(LEGAL_FORMS)}"
            domain = f"{ascii_slug(organisation)}-{number}.de"
            row = self.resource(
                name=name,
                short_name=None if rng.random() < 0.7 else name[:3].upper() + f" {number}",
                kind=kind,
                sector="internal" if kind == "administration_unit" else "external",
                status="archived" if rng.random() < 0.08 else "active",
                street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postal_code=f"{rng.randint(1067, 99998):05d}",
                town=place,
                website=f"https://www.{domain}" if rng.random() < 0.6 else None,
                email=f"info@{domain}",
                phone=f"+49 {rng.randint(30, 9999)} {rng.randint(10_000, 999_999)}",
                languages=rng.sample(LANGUAGES, rng.randint(1, 3)),
                external_ids=[{"scheme": "vereinsregister", "value": f"VR {number}"}]
                if "e.V." in name
                else [],
                notes=None,
            )
            # As crm.models.partner keeps them.
            row["mail_domain"] = mail_domain(row["email"])
            row["web_host"] = website_host(row["website"])
            self.partner_ids.append(row["id"])
            self.partner_domains.append(domain)
            yield searchable(Partner, row, name)

    def contacts(self) -> Iterator[dict]:
        rng, count = self.rng, len(self.partner_ids)
        order = rng.sample(range(count), count)
        weights = skewed_weights(count, 0.6)
        for number in range(self.sizes["contacts"]):
            index = order[rng.choices(range(count), cum_weights=weights)[0]]
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            consent = rng.random() < 0.3
            row = self.resource(
                salutation=rng.choice(["ms", "mr", "none"]),
                title="Dr." if rng.random() < 0.05 else None,
                given_name=given,
                family_name=family,
                function=rng.choice(FUNCTIONS),
                partner_id=self.partner_ids[index],
                email=f"{ascii_slug(given)}.{ascii_slug(family)}.{number}@"
                f"{self.partner_domains[index]}",
                phone=f"+49 {rng.randint(30, 9999)} {rng.randint(10_000, 999_999)}",
                mobile=None,
                preferred_language=rng.choice(LANGUAGES),
                notes=None,
                status="active",
                legal_basis="consent" if consent else "public_task",
                consent_given_on=self.day(2018) if consent else None,
                consent_source="Formular" if consent else None,
                review_on=self.day(2026, 2029),
            )
            row["family_sound"] = name_sound(family)  # as crm.models.contact keeps it
            self.first_contact.setdefault(index, row["id"])
            yield searchable(Contact, row, f"{family} {given}")

    def steering_groups(self) -> Iterator[dict]:
        rng = self.rng
        for _ in range(self.sizes["steering_groups"]):
            kind, kind_de = rng.choice(list(GROUP_KINDS.items()))
            coordinator = rng.randrange(len(self.partner_ids))
            name = f"{kind_de} {rng.choice(THEMES)} {rng.choice(self.towns)}"
            row = self.resource(
                name=name,
                short_name=None,
                kind=kind,
                purpose="Steuert die Bildungsangebote für Neuzugewanderte im Kreis.",
                status="active",
                founded_on=self.day(2010, 2020),
                dissolved_on=None,
                funding_programme="Kommunale Koordinierung" if rng.random() < 0.5 else None,
                coordinating_partner_id=self.partner_ids[coordinator],
                coordinating_contact_id=self.first_contact.get(coordinator),
                notes=None,
            )
            self.group_ids.append(row["id"])
            yield searchable(SteeringGroup, row, name)

    def memberships(self) -> Iterator[dict]:
        rng = self.rng
        weights = skewed_weights(len(self.group_ids), 0.5)
        for _ in range(self.sizes["memberships"]):
            member = rng.randrange(len(self.partner_ids))
            start = self.day()
            yield self.resource(
                steering_group_id=rng.choices(self.group_ids, cum_weights=weights)[0],
                partner_id=self.partner_ids[member],
                contact_id=self.first_contact.get(member),
                deputy_contact_id=None,
                role=rng.choice(ROLES),
                voting_right=True,
                start_date=start,
                end_date=start + timedelta(days=rng.randrange(3000))
                if rng.random() < 0.3
                else None,
                notes=None,
            )

    def agreements(self, parties: list[dict]) -> Iterator[dict]:
        rng = self.rng
        for number in range(self.sizes["agreements"]):
            valid_from = self.day(2014, 2025)
            title = f"Kooperationsvereinbarung {rng.choice(THEMES)} {rng.choice(self.towns)}"
            row = self.resource(
                title=title,
                reference_number=f"KV-{valid_from.year}-{number:06d}",
                kind=rng.choice(["cooperation_agreement", "framework_agreement"]),
                status=rng.choice(["active", "active", "expired", "draft"]),
                signed_on=valid_from,
                valid_from=valid_from,
                valid_until=valid_from + timedelta(days=rng.randrange(365, 2000)),
                notice_period_days=90,
                steering_group_id=rng.choice(self.group_ids) if rng.random() < 0.2 else None,
                notes=None,
            )
            for position, member in enumerate(
                rng.sample(range(len(self.partner_ids)), rng.randint(2, 4))
            ):
                parties.append(
                    self.resource(
                        agreement_id=row["id"],
                        partner_id=self.partner_ids[member],
                        role="lead" if position == 0 else "party",
                        signatory_contact_id=self.first_contact.get(member),
                        joined_on=valid_from,
                        left_on=None,
                    )
                )
            yield searchable(Agreement, row, title)


def searchable(model: type, row: dict, sort_source: str) -> dict:
    """The folded columns that `crm.models.base.Searchable` keeps, computed the same way."""
    values = (row.get(field) for field in model.__search_fields__)
    return row | {"search_text": search_key(*values), "sort_name": fold(sort_source)[:300]}


def generate(url: str, *, scale: float = 1.0, seed: int = 9) -> dict[str, float]:
    """Load the data set into the migrated database at `url`; seconds per table."""
    engine = create_engine(url)
    with engine.begin() as connection:
        timings = load(connection, scale=scale, seed=seed)
    _analyze(engine)
    engine.dispose()
    return timings


def load(connection: Connection, *, scale: float, seed: int) -> dict[str, float]:
    """Write every table, in foreign-key order, through `connection`; seconds per table."""
    rows = Generator(connection, sizes(scale), seed)
    timings: dict[str, float] = {}

    def write(table: str, records) -> list:
        started = time.perf_counter()
        ids = write_rows(connection, Base.metadata.tables[table], records)
        timings[table] = time.perf_counter() - started
        return ids

    municipality_ids = write("municipalities", rows.municipalities())
    write("partners", rows.partners())
    topic_ids = rows.vocabulary["topics"]
    write("partner_topics", rows.links("partner", rows.partner_ids, "topic", topic_ids, 3))
    target_groups = rows.vocabulary["target_groups"]
    write(
        "partner_target_groups",
        rows.links("partner", rows.partner_ids, "target_group", target_groups, 2),
    )
    write(
        "partner_municipalities",
        rows.links("partner", rows.partner_ids, "municipality", municipality_ids, 2),
    )
    write("contacts", rows.contacts())
    write("steering_groups", rows.steering_groups())
    write(
        "steering_group_topics", rows.links("steering_group", rows.group_ids, "topic", topic_ids, 2)
    )
    write("memberships", rows.memberships())
    parties: list[dict] = []
    agreement_ids = write("agreements", rows.agreements(parties))
    write("agreement_parties", parties)
    write("agreement_topics", rows.links("agreement", agreement_ids, "topic", topic_ids, 2))
    return timings


def _analyze(engine) -> None:
    """Fresh statistics and visibility maps, as autovacuum would leave them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        postgresql = engine.dialect.name == "postgresql"
        connection.execute(text("VACUUM ANALYZE" if postgresql else "ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", nargs="?", help="database URL (default: DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    url = args.url or database_url("instance")
    started = time.perf_counter()
    timings = generate(url, scale=args.scale, seed=args.seed)
    for table, seconds in timings.items():
        print(f"{table:30} {seconds:7.1f} s")
    print(f"{'total':30} {time.perf_counter() - started:7.1f} s")


if __name__ == "__main__":
    main()

"""A generated cooperation network of a given size, written to a migrated database.

Partners and steering groups belong to local clusters (a town, a field of work): most
memberships stay inside the partner's cluster, some reach across, so that there are
communities to find and brokers between them. A few partners are very active (in many
bodies), most sit in one or two, as in real networks. One membership in ten has ended.
Everything follows from the seed.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, insert, select

from crm.models import (
    Agreement,
    AgreementParty,
    Membership,
    Municipality,
    Partner,
    PartnerKind,
    SteeringGroup,
    TargetGroup,
    Topic,
)
from crm.text import fold

AS_OF = date(2025, 1, 1)
CHUNK = 5_000


@dataclass(frozen=True)
class Size:
    partners: int
    steering_groups: int
    memberships: int
    agreements: int
    clusters: int
    municipalities: int


DISTRICT = Size(5_000, 500, 20_000, 1_000, clusters=50, municipalities=15)
# A Land: twenty districts' worth of everything.
STATE = Size(100_000, 10_000, 400_000, 20_000, clusters=1_000, municipalities=300)


class _Generator:
    def __init__(self, engine: Engine, size: Size, seed: int):
        self.engine, self.size, self.rng = engine, size, random.Random(seed)
        with engine.connect() as connection:
            self.topics = list(connection.scalars(select(Topic.id).order_by(Topic.code)))
            self.groups = list(
                connection.scalars(select(TargetGroup.id).order_by(TargetGroup.code))
            )
            self.kinds = list(
                connection.scalars(select(PartnerKind.code).order_by(PartnerKind.code))
            )

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day(self, first: int, last: int) -> date:
        return date(first, 1, 1) + timedelta(days=self.rng.randrange((last - first) * 365))

    def write(self, table, rows: list[dict]) -> None:
        with self.engine.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(table), rows[start : start + CHUNK])

    def classified(self, owner: str, owner_ids: list, cluster_of) -> None:
        """Each owner works on one to three topics and for one or two target groups,
        mostly those of its cluster."""
        for vocabulary, name, most in ((self.topics, "topic", 3), (self.groups, "target_group", 2)):
            links = set()
            for i, owner_id in enumerate(owner_ids):
                home = cluster_of(i) % len(vocabulary)
                for _ in range(self.rng.randint(1, most)):
                    entry = home if self.rng.random() < 0.6 else self.rng.randrange(len(vocabulary))
                    links.add((owner_id, vocabulary[entry]))
            table = getattr(_MODELS[owner], f"{name}s").property.secondary
            owner_column, entry_column = (column.name for column in table.c)
            self.write(table, [{owner_column: o, entry_column: e} for o, e in sorted(links)])


_MODELS = {"partner": Partner, "steering_group": SteeringGroup, "agreement": Agreement}


def generate(engine: Engine, size: Size, seed: int = 7) -> None:
    gen = _Generator(engine, size, seed)
    rng = gen.rng
    partners = [gen.uuid() for _ in range(size.partners)]
    groups = [gen.uuid() for _ in range(size.steering_groups)]
    agreements = [gen.uuid() for _ in range(size.agreements)]
    cluster = size.clusters

    def named(kind: str, i: int) -> dict:
        name = f"{kind} {i:06d}"
        return {"name": name, "sort_name": fold(name), "search_text": fold(name)}

    gen.write(
        Partner.__table__,
        [
            {"id": pid, **named("Partner", i), "kind": rng.choice(gen.kinds),
             "sector": "internal" if rng.random() < 0.25 else "external"}
            for i, pid in enumerate(partners)
        ],
    )  # fmt: skip
    gen.write(
        SteeringGroup.__table__,
        [
            {"id": gid, **named("Steuerungsgruppe", i), "kind": "steering_group"}
            for i, gid in enumerate(groups)
        ],
    )
    gen.write(Membership.__table__, _memberships(gen, partners, groups))
    gen.write(
        Agreement.__table__,
        [
            {"id": aid, "title": f"Kooperationsvereinbarung {i:06d}",
             "sort_name": f"kooperationsvereinbarung {i:06d}", "search_text": "",
             "kind": "cooperation_agreement", "status": "active",
             "valid_from": gen.day(2012, 2024)}
            for i, aid in enumerate(agreements)
        ],
    )  # fmt: skip
    gen.write(AgreementParty.__table__, _parties(gen, partners, agreements))
    gen.classified("partner", partners, lambda i: i % cluster)
    gen.classified("steering_group", groups, lambda i: i % cluster)
    gen.classified("agreement", agreements, lambda i: i % cluster)
    _municipalities(gen, partners)


def _activity(rng: random.Random, count: int) -> list[float]:
    """How active each partner is: a long tail, a few very active ones."""
    return [rng.paretovariate(1.5) for _ in range(count)]


def _memberships(gen: _Generator, partners: list, groups: list) -> list[dict]:
    rng, size = gen.rng, gen.size
    weights = _activity(rng, len(partners))
    chosen = rng.choices(range(len(partners)), weights=weights, k=size.memberships * 2)
    per_cluster = len(groups) // size.clusters
    seen: set[tuple[int, int]] = set()
    rows = []
    for p in chosen:
        home = p % size.clusters
        g = (
            home + size.clusters * rng.randrange(per_cluster)
            if rng.random() < 0.85
            else rng.randrange(len(groups))
        )
        if (p, g) in seen:
            continue
        seen.add((p, g))
        start = gen.day(2010, 2024)
        ended = rng.random() < 0.1
        rows.append(
            {"id": gen.uuid(), "steering_group_id": groups[g], "partner_id": partners[p],
             "role": "chair" if rng.random() < 0.03 else "member", "start_date": start,
             "end_date": start + timedelta(days=rng.randrange(30, 700)) if ended else None}
        )  # fmt: skip
        if len(rows) == size.memberships:
            break
    return rows


def _parties(gen: _Generator, partners: list, agreements: list) -> list[dict]:
    rng, clusters = gen.rng, gen.size.clusters
    rows = []
    for a, agreement_id in enumerate(agreements):
        home = a % clusters
        picked = {
            home + clusters * rng.randrange(len(partners) // clusters)
            for _ in range(rng.randint(2, 4))
        }
        for n, p in enumerate(sorted(picked)):
            rows.append(
                {"id": gen.uuid(), "agreement_id": agreement_id, "partner_id": partners[p],
                 "role": "lead" if n == 0 else "party"}
            )  # fmt: skip
    return rows


def _municipalities(gen: _Generator, partners: list) -> None:
    rng = gen.rng
    places = [gen.uuid() for _ in range(gen.size.municipalities)]
    gen.write(
        Municipality.__table__,
        [
            {"id": mid, "code": f"gemeinde_{i:04d}", "label_de": f"Gemeinde {i:04d}",
             "label_en": f"Municipality {i:04d}", "sort_name": f"gemeinde {i:04d}"}
            for i, mid in enumerate(places)
        ],
    )  # fmt: skip
    links = {(pid, rng.choice(places)) for pid in partners for _ in range(rng.randint(0, 3))}
    gen.write(
        Partner.municipalities.property.secondary,
        [{"partner_id": p, "municipality_id": m} for p, m in sorted(links)],
    )

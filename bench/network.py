"""Benchmark: the network analysis on a district-sized and a state-sized network.

    .venv/bin/python -m bench.network [--size district|state|all] [--compare] [--seed 7]
                                      [--database-url postgresql+psycopg://.../empty]

Targets (issue 5): metrics on the district network (5,000 partners, 500 steering groups,
20,000 memberships) within 2 s; on the state network (100,000 partners) communities within
5 s, and betweenness computed approximately or ahead of time. Betweenness is computed ahead
of time by `flask crm network refresh` (crm/network/snapshots.py): exact for a
district, from 1,000 sampled sources for a state; a request whose network has changed
since computes it itself, exactly while cheap, else from a sample that fits its budget
(crm/network/betweenness.py). Each size is generated into a fresh SQLite database
(see bench/network_data.py); request times include reading the network from it and
writing the JSON. `--compare` also times the same computations with rustworkx and
networkx, where installed.
"""

import argparse
import json
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench.network_compare import compare_libraries
from bench.network_data import AS_OF, DISTRICT, STATE, Size, generate
from crm import schema
from crm.collector import collector_paused
from crm.database import make_engine
from crm.models import Membership, Partner, SteeringGroup
from crm.network.api.network import graph_json
from crm.network.api.schemas import CoverageSchema, GraphSchema, MetricsSchema
from crm.network.betweenness import on_request
from crm.network.coverage import compute_coverage
from crm.network.loading import load_network
from crm.network.metrics import CLASSIFIED_BY, analysis_graph, communities_of, compute_metrics
from crm.network.model import NetworkFilter
from crm.network.overlaps import find_overlaps
from crm.network.snapshots import refresh, shape_of, stored_or_on_request

SIZES = {"district": DISTRICT, "state": STATE}


def timed(label: str, work: Callable):
    """Runs `work`, prints the time it took and the processor time this process used (on a
    shared machine the latter varies less)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = collector_paused()(work)()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:<60} {wall:8.3f} s  (cpu {cpu:7.3f} s)")
    return result


def how(betweenness) -> str:
    sampled = f"sampled, {betweenness.samples} sources" if betweenness.samples else "exact"
    return f"{sampled}{', precomputed' if betweenness.precomputed else ''}"


def metrics_request(session: Session, wanted: NetworkFilter) -> dict:
    """What GET /api/v1/network/metrics does: read, compute, dump, encode as JSON."""
    network = load_network(session, wanted, CLASSIFIED_BY)
    answer = MetricsSchema().dump(compute_metrics(network, stored_or_on_request(session)))
    json.dumps(answer, default=str)  # as the app writes it (keys unsorted)
    return answer


def graph_request(session: Session, wanted: NetworkFilter) -> dict:
    """What GET /api/v1/network does as JSON: read the network and its ties, dump."""
    return GraphSchema().dump(graph_json(load_network(session, wanted)))


def coverage_request(session: Session) -> dict:
    """What GET /api/v1/network/coverage does as JSON."""
    wanted = NetworkFilter(as_of=AS_OF)
    network = load_network(session, wanted)
    coverage = compute_coverage(session, network, wanted, per_municipality=False)
    return CoverageSchema().dump(coverage)


def change_the_network(session: Session) -> None:
    """A new partner joins a steering group: the network's shape is another."""
    partner_id = uuid.uuid4()
    session.execute(
        insert(Partner),
        [{"id": partner_id, "name": "Neu", "sort_name": "neu", "search_text": "neu",
          "kind": "chamber", "sector": "external"}],
    )  # fmt: skip
    group_id = session.scalar(select(SteeringGroup.id).order_by(SteeringGroup.id).limit(1))
    session.execute(
        insert(Membership),
        [{"id": uuid.uuid4(), "steering_group_id": group_id, "partner_id": partner_id,
          "role": "member", "start_date": AS_OF}],
    )  # fmt: skip
    session.commit()


def bench_size(name: str, size: Size, seed: int, compare: bool, url: str | None) -> None:
    print(f"\n{name}: {size}")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        print(f"  on {url.split(':', 1)[0]}")
        schema.upgrade(url)
        engine = make_engine(url)
        timed("generate and insert (not a target)", lambda: generate(engine, size, seed))
        with Session(engine) as session:
            wanted = NetworkFilter(as_of=AS_OF)
            print(" the parts:")
            network = timed(
                "read the network from the database (as metrics do)",
                lambda: load_network(session, wanted, CLASSIFIED_BY),
            )
            print(f"  ({len(network.nodes):,} nodes, {len(network.edges):,} edges on {AS_OF})")
            graph = timed("build the igraph graph", lambda: analysis_graph(network))
            timed("its shape (digest of nodes and edges)", lambda: shape_of(network))
            found = timed("betweenness as a request computes it", lambda: on_request(graph))
            print(f"  (betweenness {how(found)})")
            communities = timed(
                "communities (Leiden, fixed seed)", lambda: communities_of(graph, network)
            )
            print(f"  ({len(communities):,} communities)")
            print(" ahead of time (flask crm network refresh):")
            refreshed = timed("refresh: read, betweenness, store", lambda: refresh(session, wanted))
            session.commit()
            print(f"  (betweenness {how(refreshed.betweenness)})")
            timed("refresh of the unchanged network", lambda: refresh(session, wanted))
            print(" GET /api/v1/network/metrics (read, all metrics, JSON):")
            answer = timed(
                "first request, snapshot fresh", lambda: metrics_request(session, wanted)
            )
            print(f"  ({len(answer['partners']):,} partners; betweenness {answer['betweenness']})")
            timed("repeat request", lambda: metrics_request(session, wanted))
            change_the_network(session)
            answer = timed("first request after a change", lambda: metrics_request(session, wanted))
            print(f"  (betweenness {answer['betweenness']})")
            print(" the other analyses (read the ties, which metrics do not need):")
            network = load_network(session, wanted)
            timed("read the ties (memberships and parties)", lambda: network.ties)
            print(f"  ({len(network.ties):,} ties)")
            timed("overlaps (Jaccard >= 0.5)", lambda: find_overlaps(network, 0.5))
            timed(
                "coverage topic x target group",
                lambda: compute_coverage(session, network, wanted, per_municipality=False),
            )
            timed("GET /api/v1/network/coverage (read, JSON)", lambda: coverage_request(session))
            timed("GET /api/v1/network (read, JSON)", lambda: graph_request(session, wanted))
        if compare:
            compare_libraries(graph, exact=size is DISTRICT)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=[*SIZES, "all"], default="all")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--compare", action="store_true", help="also time rustworkx, networkx")
    parser.add_argument(
        "--database-url", help="an empty database to fill (one size at a time); default SQLite"
    )
    args = parser.parse_args()
    for name, size in SIZES.items():
        if args.size in (name, "all"):
            bench_size(name, size, args.seed, args.compare, args.database_url)


if __name__ == "__main__":
    main()

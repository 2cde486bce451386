"""Benchmark: the network analysis on a district-sized and a state-sized network.

    .venv/bin/python -m bench.network [--size district|state|all] [--compare] [--seed 7]
                                      [--database-url postgresql+psycopg://.../empty]

Targets (issue 5): metrics on the district network (5,000 partners, 500 steering groups,
20,000 memberships) within 2 s; on the state network (100,000 partners) communities within
5 s, and betweenness estimated from a fixed sample of sources (see
crm/services/network_metrics.py). Each size is generated into a fresh SQLite database (see
bench/network_data.py); the times include reading the network from it. `--compare` also
times the same computations with rustworkx and networkx, where installed.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from bench.network_compare import compare_libraries
from bench.network_data import AS_OF, DISTRICT, STATE, Size, generate
from crm import schema
from crm.api.network_schemas import MetricsSchema
from crm.database import make_engine
from crm.services.network import load_network
from crm.services.network_coverage import compute_coverage
from crm.services.network_metrics import (
    analysis_graph,
    betweenness_centrality,
    communities_of,
    compute_metrics,
    forget_remembered_betweenness,
)
from crm.services.network_model import NetworkFilter
from crm.services.network_overlaps import find_overlaps

SIZES = {"district": DISTRICT, "state": STATE}


def timed(label: str, work: Callable):
    """Runs `work`, prints the time it took and the processor time this process used (on a
    shared machine the latter varies less)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:<48} {wall:8.3f} s  (cpu {cpu:7.3f} s)")
    return result


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
            network = timed(
                "read the network from the database", lambda: load_network(session, wanted)
            )
            print(f"  ({len(network.nodes):,} nodes, {len(network.ties):,} ties on {AS_OF})")
            graph = timed("build the igraph graph", lambda: analysis_graph(network))
            timed(
                "degree and weighted degree",
                lambda: (graph.degree(), graph.strength(weights="weight")),
            )
            _, samples = timed("betweenness", lambda: betweenness_centrality(graph))
            print(
                f"  (betweenness {'exact' if samples is None else f'sampled, {samples} sources'})"
            )
            found = timed(
                "communities (Leiden, fixed seed)", lambda: communities_of(graph, network)
            )
            print(f"  ({len(found):,} communities)")
            timed("all metrics, betweenness remembered", lambda: compute_metrics(network))
            forget_remembered_betweenness()
            metrics = timed(
                "first request: read, all metrics, JSON",
                lambda: MetricsSchema().dump(compute_metrics(load_network(session, wanted))),
            )
            timed(
                "next requests: the same, betweenness remembered",
                lambda: MetricsSchema().dump(compute_metrics(load_network(session, wanted))),
            )
            print(f"  ({len(metrics['partners']):,} partners in the answer)")
            timed("overlaps (Jaccard >= 0.5)", lambda: find_overlaps(network, 0.5))
            timed(
                "coverage topic x target group",
                lambda: compute_coverage(session, network, wanted, per_municipality=False),
            )
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

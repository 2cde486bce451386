"""Betweenness centrality of the network's graph: exact, or estimated from a fixed sample
of sources; and how much of it a request can afford.

Exact betweenness costs one breadth-first search from every vertex, about n * (n + m)
steps: 5 s of CPU for a district (6,500 vertices, 21,000 edges), hours for a state
(130,000 vertices). So it is computed ahead of time (`flask crm network refresh`, see
crm/network/snapshots.py); a request computes it only while that is cheap, and
otherwise estimates it from as many sources as fit in its budget. The estimate is
unbiased (Brandes and Pich 2007) and ranks the leading brokers much as the exact figure
does (bench/network.py). The same graph gives the same figures: the sample is drawn with
a fixed seed.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime

import igraph

SEED = 2018
EXACT, SAMPLED = "exact", "sampled"
# Steps of breadth-first search a request may spend: about half a second of CPU here.
REQUEST_WORK = 15_000_000
# The fewest sources an estimate rests on, however large the network.
MIN_SAMPLES = 32
# Ahead of time: exact up to this size (a district: seconds), beyond it sampled (a state:
# an exact figure would take hours; 1,000 sources take minutes).
EXACT_BETWEENNESS_MAX_VERTICES = 20_000
AHEAD_OF_TIME_SAMPLES = 1_000


@dataclass
class Betweenness:
    """Normalised betweenness per vertex (its share of the shortest paths between other
    vertices), and how and when it was computed."""

    values: list[float]
    method: str
    samples: int | None
    computed_at: datetime
    precomputed: bool = False


def on_request(graph: igraph.Graph) -> Betweenness:
    """Exact while it fits in a request's budget, else from as many sampled sources as do."""
    n = graph.vcount()
    per_source = n + graph.ecount()
    samples = None if n * per_source <= REQUEST_WORK else REQUEST_WORK // per_source
    return betweenness(graph, samples)


def ahead_of_time(graph: igraph.Graph) -> Betweenness:
    """Exact up to a district's size, beyond it from a larger sample than a request takes."""
    n = graph.vcount()
    return betweenness(
        graph, None if n <= EXACT_BETWEENNESS_MAX_VERTICES else AHEAD_OF_TIME_SAMPLES
    )


def betweenness(graph: igraph.Graph, samples: int | None) -> Betweenness:
    """Exact when `samples` is None (or covers every vertex), else estimated from that
    many sources (at least MIN_SAMPLES), scaled up to the whole."""
    n = graph.vcount()
    if samples is not None:
        samples = max(samples, MIN_SAMPLES)
        if samples >= n:
            samples = None
    started = datetime.now(UTC)
    if samples is None:
        raw = graph.betweenness(directed=False)
    else:
        sources = random.Random(SEED).sample(range(n), samples)
        raw = [b * n / samples for b in graph.betweenness(directed=False, sources=sources)]
    pairs = (n - 1) * (n - 2) / 2
    return Betweenness(
        values=[round(b / pairs, 9) if pairs else 0.0 for b in raw],
        method=EXACT if samples is None else SAMPLED,
        samples=samples,
        computed_at=started,
    )

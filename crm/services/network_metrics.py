"""Kennzahlen der Netzwerkanalyse: per partner degree, weighted degree, betweenness (who
brokers between otherwise separate groups), whether it bridges the administration and the
outside, and its community; per community its members and dominant topics.

Computed with igraph on the network of partners and bodies (steering groups, agreements).
Of the libraries compared in bench/network.py, igraph computes exact betweenness fastest,
and only igraph offers both betweenness from a sample of sources and Leiden communities
(rustworkx has no community detection; networkx is ten to a hundred times slower). The same
data gives the same results: vertices are ordered by id, random choices use a fixed seed.
"""

import hashlib
import random
import threading
from array import array
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from itertools import chain

import igraph

from crm.services.network_model import PARTNER, Id, Network, Term, without_collector_pauses

SEED = 2018
# Exact betweenness costs one breadth-first search from every vertex: 6 s for a district
# (6,500 vertices) on a 2-core machine, 0.3 s per search on a state network (130,000).
# Beyond this size it is estimated from a fixed sample of sources (bench/network.py).
EXACT_BETWEENNESS_MAX_VERTICES = 20_000
BETWEENNESS_SAMPLES = 32
DOMINANT_TOPICS = 3
LEIDEN_ITERATIONS = 2  # until stable takes ten times as long for a state, for little gain
CACHED_BETWEENNESS = 8
MIXED = "mixed"

# igraph draws from one process-wide random number generator.
_random_lock = threading.Lock()
# Betweenness by the graph's shape: staff look at the same network again and again.
_betweenness_cache: OrderedDict[tuple[bytes, int | None], list[float]] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass
class PartnerMetrics:
    id: Id
    name: str
    sector: str
    kind: str
    degree: int
    weighted_degree: float
    betweenness: float
    bridges_sectors: bool
    community: int | None


@dataclass
class TopicCount:
    topic: Term
    count: int


@dataclass
class Community:
    number: int
    partner_ids: list[Id]
    steering_group_ids: list[Id]
    agreement_ids: list[Id]
    dominant_topics: list[TopicCount]


@dataclass
class Estimate:
    method: str
    samples: int | None


@dataclass
class Metrics:
    as_of: object
    betweenness: Estimate
    partners: list[PartnerMetrics]
    communities: list[Community]


@without_collector_pauses
def analysis_graph(network: Network) -> igraph.Graph:
    """One vertex per node, in the network's order; one edge per partner and body that are
    tied, weighted by the weightiest role (a chair who is also a member counts as chair)."""
    index = {node_id: i for i, node_id in enumerate(network.nodes)}
    graph = igraph.Graph(
        n=len(index),
        edges=[(index[tie.partner_id], index[tie.body_id]) for tie in network.ties],
        edge_attrs={"weight": [tie.weight for tie in network.ties]},
    )
    graph.simplify(multiple=True, loops=False, combine_edges="max")
    return graph


@without_collector_pauses
def compute_metrics(network: Network) -> Metrics:
    graph = analysis_graph(network)
    nodes = list(network.nodes.values())
    betweenness, samples = betweenness_centrality(graph)
    communities = communities_of(graph, network)
    community_of = {
        node_id: community.number for community in communities for node_id in community.partner_ids
    }
    bridging = sector_bridges(graph, nodes)
    degree, strength = graph.degree(), graph.strength(weights="weight")
    partners = [
        PartnerMetrics(
            id=node.id,
            name=node.name,
            sector=node.sector,
            kind=node.kind,
            degree=degree[i],
            weighted_degree=strength[i],
            betweenness=round(betweenness[i], 9),
            bridges_sectors=i in bridging,
            community=community_of.get(node.id),
        )
        for i, node in enumerate(nodes)
        if node.type == PARTNER
    ]
    partners.sort(key=lambda p: (-p.betweenness, -p.weighted_degree, p.id))
    return Metrics(
        as_of=network.as_of,
        betweenness=Estimate("exact" if samples is None else "sampled", samples),
        partners=partners,
        communities=communities,
    )


def betweenness_centrality(graph: igraph.Graph) -> tuple[list[float], int | None]:
    """Normalised betweenness (share of all shortest paths between other vertices), and
    the number of sampled sources when estimated (None when exact); remembered for the
    last few graphs of the same shape."""
    n = graph.vcount()
    samples = None if n <= EXACT_BETWEENNESS_MAX_VERTICES else min(BETWEENNESS_SAMPLES, n)
    key = (_shape(graph), samples)
    with _cache_lock:
        if key in _betweenness_cache:
            _betweenness_cache.move_to_end(key)
            return _betweenness_cache[key], samples
    pairs = (n - 1) * (n - 2) / 2
    result = [b / pairs if pairs else 0.0 for b in _raw_betweenness(graph, samples)]
    with _cache_lock:
        _betweenness_cache[key] = result
        while len(_betweenness_cache) > CACHED_BETWEENNESS:
            _betweenness_cache.popitem(last=False)
    return result, samples


def forget_remembered_betweenness() -> None:
    with _cache_lock:
        _betweenness_cache.clear()


def _shape(graph: igraph.Graph) -> bytes:
    """A digest of the vertex count and the edges: all that betweenness depends on."""
    edges = array("q", chain.from_iterable(graph.get_edgelist()))
    return hashlib.blake2b(graph.vcount().to_bytes(8, "big") + edges.tobytes()).digest()


def _raw_betweenness(graph: igraph.Graph, samples: int | None) -> list[float]:
    """Exact, or estimated from the shortest paths of a fixed random sample of sources,
    scaled up (Brandes and Pich 2007): unbiased, and enough to rank the brokers."""
    if samples is None:
        return graph.betweenness(directed=False)
    n = graph.vcount()
    sources = random.Random(SEED).sample(range(n), samples)
    return [b * n / samples for b in graph.betweenness(directed=False, sources=sources)]


def communities_of(graph: igraph.Graph, network: Network) -> list[Community]:
    """Leiden communities (modularity, weighted), numbered from 1 by size; a node without
    ties belongs to none."""
    with _random_lock:
        igraph.set_random_number_generator(random.Random(SEED))
        try:
            labels = graph.community_leiden(
                objective_function="modularity", weights="weight", n_iterations=LEIDEN_ITERATIONS
            ).membership
        finally:
            igraph.set_random_number_generator(random)
    members: dict[int, list] = defaultdict(list)
    degree = graph.degree()
    for node, label, ties in zip(network.nodes.values(), labels, degree, strict=True):
        if ties:
            members[label].append(node)
    groups = sorted(
        members.values(),
        key=lambda nodes: (-sum(n.type == PARTNER for n in nodes), -len(nodes), nodes[0].id),
    )
    return [_community(number, nodes, network) for number, nodes in enumerate(groups, 1)]


def _community(number: int, nodes: list, network: Network) -> Community:
    by_type: dict[str, list[Id]] = defaultdict(list)
    counts: Counter[Id] = Counter()
    for node in nodes:
        by_type[node.type].append(node.id)
        counts.update(node.topic_ids)
    order = list(network.topics)
    dominant = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    return Community(
        number=number,
        partner_ids=by_type["partner"],
        steering_group_ids=by_type["steering_group"],
        agreement_ids=by_type["agreement"],
        dominant_topics=[
            TopicCount(network.topics[topic_id], count)
            for topic_id, count in dominant[:DOMINANT_TOPICS]
        ],
    )


def sector_bridges(graph: igraph.Graph, nodes: list) -> set[int]:
    """The vertices of partners that share a body with a partner of the other sector:
    where the administration (verwaltungsintern) and outside actors (verwaltungsextern)
    meet. Every edge runs from a partner to a body."""
    sector = [node.sector for node in nodes]
    edges = graph.get_edgelist()
    seen: list[str | None] = [None] * len(nodes)
    for partner, body in edges:
        if seen[body] is None:
            seen[body] = sector[partner]
        elif seen[body] != sector[partner]:
            seen[body] = MIXED
    return {partner for partner, body in edges if seen[body] == MIXED}

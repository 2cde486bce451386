"""Kennzahlen der Netzwerkanalyse: per partner degree, weighted degree, betweenness (who
brokers between otherwise separate groups), whether it bridges the administration and the
outside, and its community; per community its members and dominant topics.

Computed with igraph on the network of partners and bodies (steering groups, agreements).
Of the libraries compared in bench/network.py, igraph computes exact betweenness fastest,
and only igraph offers both betweenness from a sample of sources and Leiden communities
(rustworkx has no community detection; networkx is ten to a hundred times slower). The same
data gives the same results: vertices are ordered by id, random choices use a fixed seed.
Betweenness comes from crm/network/betweenness.py, or stored ahead of time
(crm/network/snapshots.py).
"""

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

import igraph

from crm.collector import collector_paused
from crm.network import betweenness as network_betweenness
from crm.network.betweenness import SEED, Betweenness
from crm.network.model import PARTNER, Id, Network, Term

DOMINANT_TOPICS = 3
LEIDEN_ITERATIONS = 2  # until stable takes ten times as long for a state, for little gain
MIXED = "mixed"
# What the metrics read of the nodes besides the structure: load_network(classified_by=...).
CLASSIFIED_BY = frozenset({"topics"})

# igraph draws from one process-wide random number generator.
_random_lock = threading.Lock()

BetweennessSource = Callable[[Network, igraph.Graph], Betweenness]


def betweenness_on_request(_network: Network, graph: igraph.Graph) -> Betweenness:
    return network_betweenness.on_request(graph)


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
class Metrics:
    as_of: object
    betweenness: Betweenness  # its values are the partners'; the answer says how and when
    partners: list[PartnerMetrics]
    communities: list[Community]


def analysis_graph(network: Network) -> igraph.Graph:
    """One vertex per node, in the network's order; one edge per partner and body that are
    tied, weighted by the weightiest role (a chair who is also a member counts as chair)."""
    return igraph.Graph(
        n=len(network.nodes), edges=network.edges, edge_attrs={"weight": network.weights}
    )


@collector_paused()
def compute_metrics(
    network: Network, betweenness_of: BetweennessSource = betweenness_on_request
) -> Metrics:
    graph = analysis_graph(network)
    nodes = list(network.nodes.values())
    found = betweenness_of(network, graph)
    betweenness = found.values
    communities = communities_of(graph, network)
    community_of = {
        node_id: community.number for community in communities for node_id in community.partner_ids
    }
    bridging = sector_bridges(network)
    degree, strength = graph.degree(), graph.strength(weights="weight")
    partners = [
        PartnerMetrics(
            id=node.id,
            name=node.name,
            sector=node.sector,
            kind=node.kind,
            degree=degree[i],
            weighted_degree=strength[i],
            betweenness=betweenness[i],
            bridges_sectors=i in bridging,
            community=community_of.get(node.id),
        )
        for i, node in enumerate(nodes)
        if node.type == PARTNER
    ]
    partners.sort(key=lambda p: (-p.betweenness, -p.weighted_degree, p.id))
    return Metrics(
        as_of=network.as_of,
        betweenness=found,
        partners=partners,
        communities=communities,
    )


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
    rank = {topic_id: i for i, topic_id in enumerate(network.topics)}
    return [_community(number, nodes, network, rank) for number, nodes in enumerate(groups, 1)]


def _community(number: int, nodes: list, network: Network, rank: dict[Id, int]) -> Community:
    """Its members by type; its dominant topics, the most frequent among its members, ties
    broken by the topics' order (`rank`)."""
    by_type: dict[str, list[Id]] = defaultdict(list)
    for node in nodes:
        by_type[node.type].append(node.id)
    counts = Counter(chain.from_iterable(node.topic_ids for node in nodes))
    dominant = sorted(counts.items(), key=lambda item: (-item[1], rank[item[0]]))
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


def sector_bridges(network: Network) -> set[int]:
    """The vertices of partners that share a body with a partner of the other sector:
    where the administration (verwaltungsintern) and outside actors (verwaltungsextern)
    meet. Every edge runs from a partner to a body."""
    sector = [node.sector for node in network.nodes.values()]
    seen: list[str | None] = [None] * len(sector)
    for partner, body in network.edges:
        if seen[body] is None:
            seen[body] = sector[partner]
        elif seen[body] != sector[partner]:
            seen[body] = MIXED
    return {partner for partner, body in network.edges if seen[body] == MIXED}

"""The same graph in igraph, rustworkx and networkx (those installed): build, betweenness,
communities; and how close sampled betweenness comes to the exact one."""

import importlib.util
import random
import time

import igraph

from crm.network.betweenness import MIN_SAMPLES as BETWEENNESS_SAMPLES
from crm.network.betweenness import SEED

TOP = 50


def _time(label: str, work):
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"    {label:<46} {wall:8.3f} s  (cpu {cpu:7.3f} s)")
    return result


def compare_libraries(graph: igraph.Graph, *, exact: bool) -> None:
    edges = graph.get_edgelist()
    weights = graph.es["weight"]
    n = graph.vcount()
    print(f"  library comparison ({n:,} vertices, {len(edges):,} edges):")
    print("   igraph")
    _time("build", lambda: igraph.Graph(n=n, edges=edges))
    if exact:
        full = _time("betweenness, exact", lambda: graph.betweenness(directed=False))
    sources = random.Random(SEED).sample(range(n), BETWEENNESS_SAMPLES)
    sampled = _time(
        f"betweenness, {BETWEENNESS_SAMPLES} sources",
        lambda: graph.betweenness(directed=False, sources=sources),
    )
    _time("communities, Leiden", lambda: graph.community_leiden("modularity", weights="weight"))
    _time("communities, Louvain", lambda: graph.community_multilevel(weights="weight"))
    if exact:
        _sampling_quality(full, sampled)
    if importlib.util.find_spec("rustworkx"):
        _rustworkx(n, edges, weights, exact)
    if importlib.util.find_spec("networkx"):
        _networkx(n, edges, weights, exact)


def _build(graph, n: int, edges: list, weights: list):
    """rustworkx and networkx take nodes and (a, b, weight) edges alike."""
    graph.add_nodes_from(range(n))
    triples = [(a, b, w) for (a, b), w in zip(edges, weights, strict=True)]
    if hasattr(graph, "add_weighted_edges_from"):
        graph.add_weighted_edges_from(triples)
    else:
        graph.add_edges_from(triples)
    return graph


def _rustworkx(n: int, edges: list, weights: list, exact: bool) -> None:
    import rustworkx

    print("   rustworkx (no community detection; no sampled betweenness)")

    graph = _time("build", lambda: _build(rustworkx.PyGraph(), n, edges, weights))
    if exact:
        _time("betweenness, exact (parallel)", lambda: rustworkx.betweenness_centrality(graph))


def _networkx(n: int, edges: list, weights: list, exact: bool) -> None:
    import networkx

    print("   networkx")

    graph = _time("build", lambda: _build(networkx.Graph(), n, edges, weights))
    _time(
        f"betweenness, {BETWEENNESS_SAMPLES} sources",
        lambda: networkx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLES, seed=SEED),
    )
    _time(
        "communities, Louvain",
        lambda: networkx.community.louvain_communities(graph, weight="weight", seed=SEED),
    )


def _sampling_quality(exact: list[float], sampled: list[float]) -> None:
    """How many of the exact top brokers the sampled estimate also ranks at the top."""

    def top(values):
        return set(sorted(range(len(values)), key=lambda i: -values[i])[:TOP])

    agreeing = len(top(exact) & top(sampled))
    print(f"    sampled vs exact: {agreeing} of the top {TOP} brokers agree")

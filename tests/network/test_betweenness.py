"""Betweenness: exact where affordable, else from a fixed sample of sources."""

import igraph
import pytest

from crm.network import betweenness as network_betweenness
from crm.network.betweenness import ahead_of_time, betweenness, on_request


@pytest.fixture
def two_stars() -> igraph.Graph:
    """Bodies 5 and 6 with two members each, and vertex 0 sitting in both: the broker."""
    return igraph.Graph(n=7, edges=[(0, 5), (1, 5), (2, 5), (0, 6), (3, 6), (4, 6)])


def test_a_request_computes_a_small_network_exactly(two_stars):
    found = on_request(two_stars)
    assert (found.method, found.samples, found.precomputed) == ("exact", None, False)


def test_a_request_samples_beyond_its_budget(two_stars, monkeypatch):
    monkeypatch.setattr(network_betweenness, "REQUEST_WORK", 1)
    monkeypatch.setattr(network_betweenness, "MIN_SAMPLES", 4)
    found = on_request(two_stars)
    assert (found.method, found.samples) == ("sampled", 4)


def test_ahead_of_time_is_exact_up_to_the_limit(two_stars, monkeypatch):
    monkeypatch.setattr(network_betweenness, "REQUEST_WORK", 1)
    assert ahead_of_time(two_stars).method == "exact"


def test_ahead_of_time_samples_beyond_the_limit(two_stars, monkeypatch):
    monkeypatch.setattr(network_betweenness, "EXACT_BETWEENNESS_MAX_VERTICES", 3)
    monkeypatch.setattr(network_betweenness, "AHEAD_OF_TIME_SAMPLES", 5)
    monkeypatch.setattr(network_betweenness, "MIN_SAMPLES", 2)
    found = ahead_of_time(two_stars)
    assert (found.method, found.samples) == ("sampled", 5)


def test_a_sample_as_large_as_the_network_is_exact(two_stars):
    assert betweenness(two_stars, 7).method == "exact"


def test_the_same_sample_gives_the_same_figures(two_stars, monkeypatch):
    monkeypatch.setattr(network_betweenness, "MIN_SAMPLES", 3)
    assert betweenness(two_stars, 3).values == betweenness(two_stars.copy(), 3).values


def test_the_broker_has_the_highest_exact_betweenness(two_stars):
    values = betweenness(two_stars, None).values
    assert max(range(7), key=values.__getitem__) == 0

"""Key figures of the network: degree, betweenness, sector bridges, communities."""

from datetime import date

import pytest

from crm.models.enums import MembershipRole, Sector
from crm.network.loading import load_network
from crm.network.metrics import CLASSIFIED_BY, compute_metrics
from crm.network.model import NetworkFilter
from tests.factories import make_group, make_membership, make_partner, topic


@pytest.fixture
def two_groups(session):
    """Two groups of three that share one partner, the broker."""
    language = topic(session, "language")
    broker = make_partner(session, name="Bildungsbüro", sector=Sector.internal)
    first = make_group(session, name="Sprache", topics=[language])
    second = make_group(session, name="Arbeit")
    for group, names in ((first, ("A1", "A2")), (second, ("B1", "B2"))):
        make_membership(session, group, broker, role=MembershipRole.coordinator)
        for name in names:
            make_membership(session, group, make_partner(session, name=name, topics=[language]))
    return broker


def metrics(session):
    return compute_metrics(load_network(session, NetworkFilter(as_of=date(2020, 1, 1))))


def by_name(found) -> dict:
    return {partner.name: partner for partner in found.partners}


def test_degree_counts_the_bodies_a_partner_is_tied_to(session, two_groups):
    assert by_name(metrics(session))["Bildungsbüro"].degree == 2


def test_weighted_degree_counts_steering_roles_double(session, two_groups):
    assert by_name(metrics(session))["Bildungsbüro"].weighted_degree == 4.0


def test_the_broker_between_two_groups_ranks_first_by_betweenness(session, two_groups):
    found = metrics(session)
    assert (found.partners[0].name, found.partners[0].betweenness > 0) == ("Bildungsbüro", True)


def test_a_partner_in_one_group_brokers_nothing(session, two_groups):
    assert by_name(metrics(session))["A1"].betweenness == 0.0


def test_betweenness_is_exact_for_a_small_network(session, two_groups):
    assert (metrics(session).betweenness.method, metrics(session).betweenness.samples) == (
        "exact",
        None,
    )


def test_a_partner_sharing_a_group_with_the_other_sector_bridges(session, two_groups):
    found = by_name(metrics(session))
    assert (found["Bildungsbüro"].bridges_sectors, found["A1"].bridges_sectors) == (True, True)


def test_a_group_of_one_sector_bridges_nothing(session):
    group = make_group(session)
    for _ in range(2):
        make_membership(session, group, make_partner(session, sector=Sector.external))
    assert {p.bridges_sectors for p in metrics(session).partners} == {False}


def test_two_groups_joined_by_one_broker_are_two_communities(session, two_groups):
    assert len(metrics(session).communities) == 2


def test_communities_are_the_same_for_the_same_data(session, two_groups):
    first, second = metrics(session), metrics(session)
    assert [p.community for p in first.partners] == [p.community for p in second.partners]


def test_a_partner_without_ties_belongs_to_no_community(session, two_groups):
    make_partner(session, name="Allein")
    assert by_name(metrics(session))["Allein"].community is None


def test_a_community_names_its_dominant_topic(session, two_groups):
    communities = metrics(session).communities
    assert {c.dominant_topics[0].topic.code for c in communities} == {"language"}


def test_communities_list_every_tied_partner_and_group_once(session, two_groups):
    communities = metrics(session).communities
    members = [i for c in communities for i in (*c.partner_ids, *c.steering_group_ids)]
    assert (len(members), len(set(members))) == (7, 7)


def test_metrics_need_no_classification_but_topics(session, two_groups):
    wanted = NetworkFilter(as_of=date(2020, 1, 1))
    full = compute_metrics(load_network(session, wanted))
    read_for_metrics = compute_metrics(load_network(session, wanted, CLASSIFIED_BY))
    assert (read_for_metrics.partners, read_for_metrics.communities) == (
        full.partners,
        full.communities,
    )

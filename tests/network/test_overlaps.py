"""Candidate duplicate structures: steering groups with largely the same members."""

from datetime import date

from crm.network.loading import load_network
from crm.network.model import NetworkFilter
from crm.network.overlaps import find_overlaps
from tests.factories import make_group, make_membership, make_partner, topic


def overlaps(session, threshold=0.5):
    return find_overlaps(load_network(session, NetworkFilter(as_of=date(2020, 1, 1))), threshold)


def groups_with(session, shared: int, own: int, **group_fields):
    """Two groups with `shared` common members and `own` members of their own each."""
    common = [make_partner(session, name=f"Gemeinsam {i}") for i in range(shared)]
    groups = [make_group(session, name=name, **group_fields) for name in ("Erster", "Zweiter")]
    for group in groups:
        for partner in [*common, *(make_partner(session) for _ in range(own))]:
            make_membership(session, group, partner)
    return groups


def test_groups_with_the_same_members_and_topic_overlap(session):
    groups_with(session, shared=3, own=1, topics=[topic(session, "language")])
    assert [o.jaccard for o in overlaps(session)] == [0.6]


def test_an_overlap_lists_shared_members_and_topics(session):
    groups_with(session, shared=2, own=0, topics=[topic(session, "language")])
    found = overlaps(session)[0]
    shared = sorted(p.name for p in found.shared_partners)
    assert (shared, [t.code for t in found.shared_topics]) == (
        ["Gemeinsam 0", "Gemeinsam 1"],
        ["language"],
    )


def test_groups_below_the_threshold_do_not_overlap(session):
    groups_with(session, shared=1, own=2, topics=[topic(session, "language")])
    assert overlaps(session) == []


def test_a_lower_threshold_finds_weaker_overlaps(session):
    groups_with(session, shared=1, own=2, topics=[topic(session, "language")])
    assert [o.jaccard for o in overlaps(session, threshold=0.2)] == [0.2]


def test_groups_sharing_members_but_no_topic_or_target_group_are_no_duplicates(session):
    groups_with(session, shared=3, own=0)
    assert overlaps(session) == []


def test_strongest_overlap_comes_first(session):
    groups_with(session, shared=2, own=1, topics=[topic(session, "language")])
    groups_with(session, shared=3, own=0, topics=[topic(session, "health")])
    assert [o.jaccard for o in overlaps(session)] == [1.0, 0.5]

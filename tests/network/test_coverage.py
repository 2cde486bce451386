"""Coverage: topic x target group (x municipality), gaps and possible duplicates."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import Municipality, TargetGroup
from crm.network.coverage import compute_coverage
from crm.network.loading import load_network
from crm.network.model import NetworkFilter
from tests.factories import make_group, make_membership, make_partner, topic


@pytest.fixture
def families(session):
    return session.scalars(select(TargetGroup).where(TargetGroup.code == "families")).one()


def coverage(session, per_municipality=False, **filters):
    wanted = NetworkFilter(as_of=date(2020, 1, 1), **filters)
    found = compute_coverage(
        session, load_network(session, wanted), wanted, per_municipality=per_municipality
    )
    return {(c.topic.code, c.target_group.code, c.municipality and c.municipality.code): c
            for c in found.cells}  # fmt: skip


def test_every_topic_and_target_group_has_a_cell(session):
    assert len(coverage(session)) == 16 * 10


def test_a_partner_counts_where_it_works(session, families):
    make_partner(session, name="Familienzentrum", topics=[topic(session, "language")],
                 target_groups=[families])  # fmt: skip
    cell = coverage(session)[("language", "families", None)]
    assert ([p.name for p in cell.partners], cell.gap) == (["Familienzentrum"], False)


def test_a_cell_nobody_works_in_is_a_gap(session):
    assert coverage(session)[("health", "women", None)].gap is True


def test_bodies_that_share_no_partner_may_duplicate_each_other(session, families):
    language = topic(session, "language")
    for name in ("Runder Tisch Nord", "Runder Tisch Süd"):
        group = make_group(session, name=name, topics=[language], target_groups=[families])
        make_membership(session, group, make_partner(session))
    assert coverage(session)[("language", "families", None)].possible_duplicate is True


def test_bodies_linked_by_a_shared_partner_are_no_duplicates(session, families):
    language, shared = topic(session, "language"), make_partner(session)
    for name in ("Runder Tisch Nord", "Runder Tisch Süd"):
        group = make_group(session, name=name, topics=[language], target_groups=[families])
        make_membership(session, group, shared)
    assert coverage(session)[("language", "families", None)].possible_duplicate is False


def test_topic_filter_restricts_the_rows(session):
    language = topic(session, "language")
    assert {code for code, _, _ in coverage(session, topic_ids=frozenset({language.id}))} == {
        "language"
    }


def test_per_municipality_a_partner_counts_where_it_serves(session, families):
    place = Municipality(code="hinte", label_de="Hinte, Gemeinde", label_en="Hinte")
    session.add(place)
    make_partner(session, topics=[topic(session, "language")], target_groups=[families],
                 municipalities=[place])  # fmt: skip
    cells = coverage(session, per_municipality=True, municipality_ids=frozenset({place.id}))
    assert len(cells[("language", "families", "hinte")].partners) == 1

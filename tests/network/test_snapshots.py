"""Betweenness kept ahead of time: used while the network is unchanged, never after."""

from datetime import date

import pytest
from sqlalchemy import func, select

from crm.models import NetworkSnapshot
from crm.network import snapshots
from crm.network.loading import load_network
from crm.network.metrics import compute_metrics
from crm.network.model import NetworkFilter
from crm.network.snapshots import refresh, shape_of, stored_or_on_request
from tests.factories import make_group, make_membership, make_partner

DAY = date(2020, 1, 1)


@pytest.fixture
def group(session):
    group = make_group(session)
    for name in ("A", "B"):
        make_membership(session, group, make_partner(session, name=name))
    return group


def shape(session, day=DAY) -> str:
    network = load_network(session, NetworkFilter(as_of=day))
    return shape_of(network)


def metrics(session, day=DAY):
    network = load_network(session, NetworkFilter(as_of=day))
    return compute_metrics(network, stored_or_on_request(session))


def test_the_same_data_has_the_same_shape(session, group):
    assert shape(session) == shape(session)


def test_a_new_tie_changes_the_shape(session, group):
    before = shape(session)
    make_membership(session, group, make_partner(session))
    assert shape(session) != before


def test_a_membership_ending_changes_the_shape_without_any_write(session, group):
    make_membership(session, group, make_partner(session), end_date=date(2020, 6, 30))
    assert shape(session, date(2020, 7, 1)) != shape(session)


def test_refresh_computes_and_stores_the_first_time(session, group):
    assert refresh(session, NetworkFilter(as_of=DAY)).computed_now is True


def test_refresh_of_an_unchanged_network_computes_nothing(session, group):
    refresh(session, NetworkFilter(as_of=DAY))
    assert refresh(session, NetworkFilter(as_of=DAY)).computed_now is False


def test_metrics_use_the_stored_snapshot_of_an_unchanged_network(session, group):
    refresh(session, NetworkFilter(as_of=DAY))
    assert metrics(session).betweenness.precomputed is True


def test_metrics_serve_the_stored_figures(session, group):
    refresh(session, NetworkFilter(as_of=DAY))
    session.execute(
        NetworkSnapshot.__table__.update().values(betweenness=snapshots._packed([0.25] * 3))
    )
    assert {p.betweenness for p in metrics(session).partners} == {0.25}


def test_metrics_of_a_changed_network_are_computed_for_the_request(session, group):
    refresh(session, NetworkFilter(as_of=DAY))
    make_membership(session, group, make_partner(session))
    assert metrics(session).betweenness.precomputed is False


def test_only_the_newest_snapshots_are_kept(session, group, monkeypatch):
    monkeypatch.setattr(snapshots, "KEPT", 2)
    for year in (2017, 2018, 2019):
        make_membership(session, group, make_partner(session), start_date=date(year, 1, 1))
        refresh(session, NetworkFilter(as_of=date(year, 6, 1)))
    assert session.scalar(select(func.count()).select_from(NetworkSnapshot)) == 2

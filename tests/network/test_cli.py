"""`flask crm network refresh`: computes the betweenness of a changed network, once."""

from datetime import date

import pytest

from tests.factories import make_group, make_membership, make_partner


@pytest.fixture
def network(session):
    group = make_group(session)
    for _ in range(2):
        make_membership(session, group, make_partner(session), start_date=date(2016, 5, 1))
    session.commit()


def refresh(app, *args):
    return app.test_cli_runner().invoke(args=["crm", "network", "refresh", *args])


def test_refresh_computes_the_betweenness_of_a_new_network(app, network):
    result = refresh(app, "--as-of", "2020-01-01")
    assert (result.exit_code, result.output.startswith("Computed the betweenness (exact)")) == (
        0,
        True,
    ), result.output


def test_refresh_of_an_unchanged_network_says_so(app, network):
    refresh(app)
    result = refresh(app)
    assert "is unchanged" in result.output, result.output


def test_refresh_refuses_a_malformed_day(app, network):
    assert refresh(app, "--as-of", "2020-13-01").exit_code == 2

"""The rule of crm.records.agreements: an agreement in force keeps at least two parties."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from crm.database import db
from crm.errors import Conflict, InvalidInput
from crm.models import Agreement, AgreementParty, Partner
from crm.models.enums import AgreementStatus
from crm.network.loading import TIE_SOURCES
from crm.records.agreements import (
    current_party_count,
    in_force_on,
    party_current_on,
    require_parties_to_remain,
    require_parties_to_take_effect,
)
from crm.records.memberships import in_force_on as in_force_on_membership
from tests.factories import make_agreement, make_group, make_membership, make_partner, make_party


@pytest.fixture
def session(app, connection):
    """The request-scoped session the services use, inside the test's transaction."""
    with app.app_context():
        yield db.session


def agreement_with(session, *, current: int, left: int = 0, status=AgreementStatus.draft):
    agreement = make_agreement(session, status=status)
    for _ in range(current):
        make_party(session, agreement)
    for _ in range(left):
        make_party(session, agreement, left_on=date(2018, 7, 31))
    return agreement


def test_current_party_count_leaves_out_parties_that_left(session):
    assert current_party_count(agreement_with(session, current=2, left=3)) == 2


def test_active_with_two_current_parties_may_take_effect(session):
    require_parties_to_take_effect(
        agreement_with(session, current=2, status=AgreementStatus.active)
    )


def test_active_with_one_current_party_is_invalid_on_status(session):
    agreement = agreement_with(session, current=1, left=1, status=AgreementStatus.active)
    with pytest.raises(InvalidInput) as refused:
        require_parties_to_take_effect(agreement)
    assert list(refused.value.errors) == ["status"]


@pytest.mark.parametrize("status", [AgreementStatus.draft, AgreementStatus.terminated])
def test_agreements_not_in_force_need_no_parties(session, status):
    agreement = agreement_with(session, current=0, status=status)
    require_parties_to_take_effect(agreement)
    require_parties_to_remain(agreement)


def test_active_left_with_one_party_is_a_conflict(session):
    agreement = agreement_with(session, current=1, left=1, status=AgreementStatus.active)
    with pytest.raises(Conflict, match="only 1 current party"):
        require_parties_to_remain(agreement)


def test_a_partner_in_two_roles_counts_once(session):
    agreement = agreement_with(session, current=1, status=AgreementStatus.active)
    make_party(session, agreement, partner_id=agreement.parties[0].partner_id)
    with pytest.raises(InvalidInput):
        require_parties_to_take_effect(agreement)


@pytest.fixture
def agreement_in_force(app, engine):
    """An active agreement with three parties, committed for real, removed afterwards.
    Requests get sessions of their own from the test engine, which is disposed of."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent transactions are PostgreSQL's")
    original = app.extensions["crm.sessionmaker"]
    app.extensions["crm.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    with Session(engine) as session:
        agreement = agreement_with(session, current=3, status=AgreementStatus.active)
        parties = [(party.id, party.partner_id) for party in agreement.parties]
        session.commit()
        yield [party_id for party_id, _ in parties]
        app.extensions["crm.sessionmaker"] = original
        session.execute(delete(Agreement).where(Agreement.id == agreement.id))
        session.execute(delete(Partner).where(Partner.id.in_([p for _, p in parties])))
        session.commit()


def test_two_parties_leaving_at_once_cannot_leave_one_behind(app, agreement_in_force):
    first, second, _ = agreement_in_force
    # Both have ended their party before either checks the rule.
    both_flushed = threading.Barrier(2, timeout=10)

    def leave(party_id):
        with app.app_context():
            party = db.session.get(AgreementParty, party_id)
            party.left_on = date(2018, 7, 31)
            db.session.flush()
            both_flushed.wait()
            try:
                require_parties_to_remain(party.agreement)
            except Conflict:
                return "refused"
            db.session.commit()
            return "left"

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(leave, [first, second])) == ["left", "refused"]


DAY = date(2026, 6, 15)
BEFORE, AFTER = date(2026, 6, 14), date(2026, 6, 16)
SPANS = [(None, None), (None, BEFORE), (None, DAY), (None, AFTER), (BEFORE, None)]
SPANS += [(DAY, None), (AFTER, None), (BEFORE, AFTER), (AFTER, date(2026, 7, 1))]


def test_a_party_is_current_through_its_last_day(session):
    agreement = make_agreement(session)
    parties = [make_party(session, agreement, joined_on=j, left_on=left) for j, left in SPANS]
    current = set(session.scalars(select(AgreementParty.id).where(party_current_on(DAY))).all())
    expected = {
        party.id for party in parties if (party.joined_on or DAY) <= DAY <= (party.left_on or DAY)
    }
    assert current == expected
    assert len(expected) == 6


@pytest.mark.parametrize("source", TIE_SOURCES, ids=lambda source: source.type)
def test_the_network_counts_a_tie_on_the_days_the_records_do(session, source):
    """The network reads a day's ties with its own scan (crm.network.loading.TIE_SOURCES);
    it must select exactly what the rules of the records select."""
    group = make_group(session)
    agreement = make_agreement(session, status=AgreementStatus.active)
    rule, body = {
        "membership": (in_force_on_membership(DAY), group),
        "party": (party_current_on(DAY), agreement),
    }[source.type]
    for start, end in SPANS:
        if source.type == "membership":  # a membership always has its first day
            fields = {source.start: start or date(2000, 1, 1), source.end: end}
            make_membership(session, group, make_partner(session), **fields)
        else:
            make_party(session, agreement, **{source.start: start, source.end: end})
    model = source.model
    of_body = getattr(model, source.body) == body.id
    by_rule = set(session.scalars(select(model.id).where(of_body, rule)))
    by_network = set(session.scalars(select(model.id).where(of_body, *source.in_force(DAY))))
    assert by_network == by_rule != set()


@pytest.mark.parametrize(
    ("status", "valid_from", "valid_until", "in_force"),
    [
        (AgreementStatus.active, None, None, True),
        (AgreementStatus.active, AFTER, None, False),
        (AgreementStatus.active, None, BEFORE, False),
        (AgreementStatus.active, DAY, DAY, True),
        (AgreementStatus.draft, None, None, False),
        (AgreementStatus.expired, BEFORE, DAY, True),
        (AgreementStatus.expired, BEFORE, None, False),
        (AgreementStatus.terminated, None, AFTER, True),
    ],
)
def test_an_agreement_is_in_force_on_the_days_it_binds(
    session, status, valid_from, valid_until, in_force
):
    agreement = make_agreement(
        session, status=status, valid_from=valid_from, valid_until=valid_until
    )
    found = session.scalar(
        select(Agreement.id).where(Agreement.id == agreement.id, in_force_on(DAY))
    )
    assert (found is not None) == in_force

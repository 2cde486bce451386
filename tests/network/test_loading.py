"""The network on a day: which partners, bodies and ties it holds."""

from datetime import date

from sqlalchemy import select

from crm.models import Municipality, TargetGroup
from crm.models.enums import AgreementStatus, PartnerStatus, Sector
from crm.network.loading import load_network
from crm.network.model import NetworkFilter, public_id
from tests.factories import (
    make_agreement,
    make_group,
    make_membership,
    make_partner,
    make_party,
    topic,
)

DAY = date(2020, 1, 1)


def network(session, **filters):
    return load_network(session, NetworkFilter(as_of=filters.pop("as_of", DAY), **filters))


def names(found) -> set[str]:
    return {node.name for node in found.nodes.values()}


def test_a_membership_in_force_ties_partner_and_group(session):
    group, partner = make_group(session, name="WbF"), make_partner(session, name="Jobcenter")
    make_membership(session, group, partner)
    tie = network(session).ties[0]
    assert (tie.type, public_id(tie.partner_id), public_id(tie.body_id)) == (
        "membership",
        str(partner.id),
        str(group.id),
    )


def test_a_membership_that_ended_before_the_day_is_no_tie(session):
    make_membership(session, make_group(session), make_partner(session), end_date=date(2019, 6, 30))
    assert network(session).ties == []


def test_a_membership_that_starts_later_is_no_tie(session):
    make_membership(
        session, make_group(session), make_partner(session), start_date=date(2021, 1, 1)
    )
    assert network(session).ties == []


def test_a_group_without_ties_on_the_day_is_not_in_the_network(session):
    make_group(session, name="Leer")
    assert "Leer" not in names(network(session))


def test_an_active_partner_without_ties_is_in_the_network(session):
    make_partner(session, name="Allein")
    assert "Allein" in names(network(session))


def test_an_archived_partner_is_in_the_network_only_while_tied(session):
    partner = make_partner(session, name="Alt", status=PartnerStatus.archived)
    make_membership(session, make_group(session), partner, end_date=date(2019, 12, 31))
    assert ("Alt" in names(network(session, as_of=date(2019, 1, 1)))) is True
    assert ("Alt" in names(network(session))) is False


def test_parties_of_an_agreement_in_force_are_tied(session):
    agreement = make_agreement(session, status=AgreementStatus.active, valid_from=date(2017, 8, 1))
    make_party(session, agreement)
    assert [tie.type for tie in network(session).ties] == ["party"]


def test_a_draft_agreement_ties_nobody(session):
    make_party(session, make_agreement(session, status=AgreementStatus.draft))
    assert network(session).ties == []


def test_an_expired_agreement_tied_its_parties_while_it_was_valid(session):
    agreement = make_agreement(
        session,
        status=AgreementStatus.expired,
        valid_from=date(2017, 1, 1),
        valid_until=date(2018, 12, 31),
    )
    make_party(session, agreement)
    assert len(network(session, as_of=date(2018, 6, 1)).ties) == 1
    assert network(session).ties == []


def test_a_party_that_left_is_no_tie(session):
    agreement = make_agreement(session, status=AgreementStatus.active)
    make_party(session, agreement, left_on=date(2019, 1, 31))
    assert network(session).ties == []


def test_sector_filter_keeps_partners_of_that_sector(session):
    make_partner(session, name="Jugendamt", sector=Sector.internal)
    make_partner(session, name="IHK", sector=Sector.external)
    assert names(network(session, sectors=frozenset({"internal"}))) == {"Jugendamt"}


def test_kind_filter_keeps_partners_of_that_kind(session):
    make_partner(session, name="IHK", kind="chamber")
    make_partner(session, name="Jobcenter", kind="job_centre")
    assert names(network(session, kinds=frozenset({"job_centre"}))) == {"Jobcenter"}


def test_topic_filter_applies_to_partners_and_bodies(session):
    language = topic(session, "language")
    speaking = make_partner(session, name="Sprachschule", topics=[language])
    make_partner(session, name="Kammer")
    make_membership(session, make_group(session, name="Sprache", topics=[language]), speaking)
    make_membership(session, make_group(session, name="Arbeit"), speaking)
    assert names(network(session, topic_ids=frozenset({language.id}))) == {
        "Sprachschule",
        "Sprache",
    }


def test_target_group_filter(session):
    families = session.scalars(select(TargetGroup).where(TargetGroup.code == "families")).one()
    make_partner(session, name="Familienzentrum", target_groups=[families])
    make_partner(session, name="Kammer")
    assert names(network(session, target_group_ids=frozenset({families.id}))) == {"Familienzentrum"}


def test_municipality_filter_keeps_partners_serving_it(session):
    place = Municipality(code="hinte", label_de="Hinte, Gemeinde", label_en="Hinte")
    session.add(place)
    make_partner(session, name="Vor Ort", municipalities=[place])
    make_partner(session, name="Anderswo")
    assert names(network(session, municipality_ids=frozenset({place.id}))) == {"Vor Ort"}


def test_a_body_drops_out_when_its_only_partner_is_filtered_out(session):
    make_membership(session, make_group(session, name="WbF"), make_partner(session, kind="chamber"))
    assert names(network(session, kinds=frozenset({"job_centre"}))) == set()


def test_only_the_classifications_asked_for_are_filled_in(session):
    families = session.scalars(select(TargetGroup).where(TargetGroup.code == "families")).one()
    place = Municipality(code="hinte", label_de="Hinte, Gemeinde", label_en="Hinte")
    make_partner(
        session,
        topics=[topic(session, "language")],
        target_groups=[families],
        municipalities=[place],
    )
    wanted = NetworkFilter(as_of=DAY)
    (node,) = load_network(session, wanted, classified_by=frozenset({"topics"})).nodes.values()
    assert (len(node.topic_ids), node.target_group_ids, node.municipality_ids) == (1, [], [])

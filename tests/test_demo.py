import stat
from datetime import date

import pytest
from sqlalchemy import func, or_, select

from crm.demo import ensure_demo_admin_key, load_demo_data, load_demo_data_once
from crm.models import (
    Agreement,
    AgreementParty,
    ApiKey,
    Contact,
    Membership,
    Municipality,
    Partner,
    SteeringGroup,
)
from crm.models.enums import LegalBasis, MembershipRole, PartyRole, Sector


@pytest.fixture
def demo(session):
    load_demo_data(session)
    return session


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def group_named(session, name: str) -> SteeringGroup:
    return session.scalars(select(SteeringGroup).where(SteeringGroup.name.contains(name))).one()


def members_on(session, group: SteeringGroup, day: date) -> set[tuple[str, str]]:
    rows = session.execute(
        select(Contact.family_name, Membership.role)
        .join(Contact, Contact.id == Membership.contact_id)
        .where(
            Membership.steering_group_id == group.id,
            Membership.start_date <= day,
            or_(Membership.end_date.is_(None), Membership.end_date >= day),
        )
    )
    return {(name, role.value) for name, role in rows}


def test_demo_loads_partners_groups_and_agreements(demo):
    assert [count(demo, model) for model in (Partner, SteeringGroup, Agreement)] == [29, 2, 1]


def test_loading_once_does_not_duplicate(session):
    assert load_demo_data_once(session) is True
    partners = count(session, Partner)
    assert load_demo_data_once(session) is False
    assert count(session, Partner) == partners


def test_every_contact_has_a_legal_basis_with_consent_details_where_needed(demo):
    contacts = demo.scalars(select(Contact)).all()
    consented = [c for c in contacts if c.legal_basis == LegalBasis.consent]
    assert consented and all(c.consent_given_on and c.consent_source for c in consented)
    assert {c.legal_basis for c in contacts} == {LegalBasis.consent, LegalBasis.public_task}


def test_wittenberg_members_on_2017_03_01(demo):
    group = group_named(demo, "Willkommen bei Freunden")
    members = members_on(demo, group, date(2017, 3, 1))
    # Not yet: the second job-centre representative, KAUSA, the adult education centre.
    assert {name for name, _ in members} == {
        "Roßbach", "Krüger-Feld", "Sänger", "Ostermann", "Wendland", "Heßler", "Pöschel",
        "Kaltofen", "Fahrenholz", "Weißgerber",
    }  # fmt: skip
    assert ("Weißgerber", "member") in members  # the coordinator, not yet coordinating


def test_wittenberg_coordinator_takes_over_coordination(demo):
    group = group_named(demo, "Willkommen bei Freunden")
    assert ("Weißgerber", "coordinator") in members_on(demo, group, date(2019, 1, 1))
    assert ("Weißgerber", "member") not in members_on(demo, group, date(2019, 1, 1))
    coordinator = demo.get(Contact, group.coordinating_contact_id)
    assert coordinator.family_name == "Weißgerber"


def test_wittenberg_programme_advisers_leave_when_the_programme_ends(demo):
    group = group_named(demo, "Willkommen bei Freunden")
    advisers = demo.scalars(
        select(Membership).where(
            Membership.steering_group_id == group.id, Membership.role == MembershipRole.advisor
        )
    ).one()
    assert advisers.end_date == date(2018, 12, 31)
    assert "verstetigt" in group.funding_programme


def test_trier_agreement_has_three_parties_with_the_school_leading(demo):
    agreement = demo.scalars(
        select(Agreement).where(Agreement.title.contains("Migrantenklasse 18+"))
    ).one()
    kinds = {
        (demo.get(Partner, party.partner_id).kind, party.role)
        for party in demo.scalars(
            select(AgreementParty).where(AgreementParty.agreement_id == agreement.id)
        )
    }
    assert kinds == {
        ("vocational_school", PartyRole.lead),
        ("language_course_provider", PartyRole.party),
        ("administration_unit", PartyRole.party),
    }


def test_lippe_network_has_internal_and_external_members_and_a_moderator(demo):
    network = group_named(demo, "Bildung & Sprache")
    memberships = demo.scalars(
        select(Membership).where(Membership.steering_group_id == network.id)
    ).all()
    sectors = {demo.get(Partner, m.partner_id).sector for m in memberships}
    assert sectors == {Sector.internal, Sector.external}
    assert [m.voting_right for m in memberships if m.role == MembershipRole.advisor] == [False]


def test_aurich_has_four_towns_and_eleven_municipalities(demo):
    labels = demo.scalars(
        select(Municipality.label_de).where(Municipality.description == "Landkreis Aurich")
    ).all()
    assert sum(label.endswith(", Stadt") for label in labels) == 4
    assert len(labels) == 15


def test_aurich_partners_serve_only_some_municipalities(demo):
    aurich = set(
        demo.scalars(select(Municipality).where(Municipality.description == "Landkreis Aurich"))
    )
    served = [
        set(p.municipalities)
        for p in demo.scalars(select(Partner).where(Partner.municipalities.any()))
    ]
    assert all(places <= aurich for places in served)
    assert sum(places < aurich for places in served) >= 5
    juist = demo.scalars(select(Municipality).where(Municipality.code == "juist")).one()
    assert 1 < sum(juist in places for places in served) < len(served)


def test_demo_key_is_created_once_and_kept_private(session, tmp_path):
    key_file = tmp_path / "demo-admin-key.txt"
    key = ensure_demo_admin_key(session, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert ensure_demo_admin_key(session, key_file) == key == key_file.read_text().strip()
    assert count(session, ApiKey) == 1


def test_demo_key_unknown_to_the_database_is_replaced(session, tmp_path):
    key_file = tmp_path / "demo-admin-key.txt"
    key_file.write_text("crm_from_another_database\n")
    key = ensure_demo_admin_key(session, key_file)
    assert key != "crm_from_another_database"
    assert key_file.read_text().strip() == key


def test_demo_command_prints_the_key_and_swagger_ui(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setenv("PORT", "8123")
    result = app.test_cli_runner().invoke(args=["crm", "demo"])
    key = (tmp_path / "demo-admin-key.txt").read_text().strip()
    assert result.exit_code == 0, result.output
    assert key in result.output
    assert "http://127.0.0.1:8123/docs" in result.output
    assert count(session, Partner) == 29

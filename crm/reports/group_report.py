"""The report of a steering group for a period (Bericht der Steuerungsgruppe).

Every figure is "as of" the last day of the period: who is a member, which action items
are overdue, which agreements expire within 90 days of it.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import combinations

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from crm.database import db
from crm.models import (
    Agreement,
    AgreementParty,
    Contact,
    Membership,
    Partner,
    PartnerKind,
    SteeringGroup,
)
from crm.models.enums import AgreementStatus
from crm.records.agreements import in_force_during
from crm.records.memberships import in_force_on
from crm.reports.meeting_sections import (
    MEMBER,
    attendance_section,
    decisions_section,
    meetings_section,
    open_action_items_section,
)
from crm.reports.report import Column, Kind, Report, Section, coded
from crm.reports.reporting import new_report, period_parameters, person_name, reportable_contacts

EXPIRY_HORIZON = timedelta(days=90)

ROLE = Column("role", "Rolle", Kind.coded)


def group_report(group: SteeringGroup, start: date, end: date) -> Report:
    report = new_report(
        "steering_group_report",
        "Bericht der Steuerungsgruppe",
        subtitle=group.name,
        parameters=period_parameters(start, end),
    )
    members = _members(group, end)
    report.contact_ids = {contact.id for _, _, _, contact in members if contact}
    report.sections = [
        _members_by_sector_and_kind(members),
        _member_list(members),
        _joined(group, start, end),
        _left(group, start, end),
        meetings_section(group, start, end),
        attendance_section(group, start, end),
        decisions_section(group, start, end),
        open_action_items_section(group, end, report),
        _agreements(group, start, end),
        _network(members, end),
        _topics_and_target_groups(group, members),
        _coverage(members),
    ]
    return report


def _members(group: SteeringGroup, day: date) -> list:
    return db.session.execute(
        select(Membership, Partner, PartnerKind, Contact)
        .join(Partner, Membership.partner_id == Partner.id)
        .join(PartnerKind, PartnerKind.code == Partner.kind)
        .outerjoin(Contact, and_(Contact.id == Membership.contact_id, reportable_contacts()))
        .options(selectinload(Partner.topics), selectinload(Partner.target_groups))
        .where(Membership.steering_group_id == group.id, in_force_on(day))
        .order_by(Partner.sort_name, Membership.start_date)
    ).all()


def _members_by_sector_and_kind(members: list) -> Section:
    partners = {partner.id: (partner, kind) for _, partner, kind, _ in members}
    counts = Counter((coded(p.sector), coded(kind)) for p, kind in partners.values())
    return Section(
        "members_by_sector_and_kind",
        "Mitglieder nach Bereich und Art",
        [
            Column("sector", "Bereich", Kind.coded),
            Column("kind", "Art", Kind.coded),
            Column("members", "Mitglieder", Kind.integer),
        ],
        [(sector, kind, n) for (sector, kind), n in sorted(counts.items(), key=_by_labels)],
    )


def _by_labels(item) -> tuple:
    (sector, kind), _ = item
    return sector.label, kind.label


def _member_list(members: list) -> Section:
    return Section(
        "members",
        "Aktuelle Mitglieder",
        [
            MEMBER,
            Column("kind", "Art", Kind.coded, width=2),
            Column("sector", "Bereich", Kind.coded),
            ROLE,
            Column("since", "Mitglied seit", Kind.date),
            Column("contact", "Vertreten durch", width=2),
        ],
        [
            (
                partner.name,
                coded(kind),
                coded(partner.sector),
                coded(membership.role),
                membership.start_date,
                person_name(contact),
            )
            for membership, partner, kind, contact in members
        ],
    )


def _joined(group: SteeringGroup, start: date, end: date) -> Section:
    return _membership_changes(
        group, Membership.start_date, "joined", "Eintritte im Zeitraum", "Beginn", start, end
    )


def _left(group: SteeringGroup, start: date, end: date) -> Section:
    return _membership_changes(
        group, Membership.end_date, "left", "Austritte im Zeitraum", "Ende", start, end
    )


def _membership_changes(group, day_column, key, title, day_title, start, end) -> Section:
    rows = db.session.execute(
        select(Partner.name, Membership.role, day_column)
        .join(Partner, Membership.partner_id == Partner.id)
        .where(Membership.steering_group_id == group.id, day_column.between(start, end))
        .order_by(day_column, Partner.sort_name)
    ).all()
    return Section(
        key,
        title,
        [MEMBER, ROLE, Column("date", day_title, Kind.date)],
        [(name, coded(role), day) for name, role, day in rows],
    )


def _agreements(group: SteeringGroup, start: date, end: date) -> Section:
    """Agreements of the group in force at some time in the period."""
    agreements = db.session.scalars(
        select(Agreement)
        .where(Agreement.steering_group_id == group.id, in_force_during(start, end))
        .order_by(Agreement.sort_name, Agreement.id)
    ).all()
    return Section(
        "agreements",
        "Kooperationsvereinbarungen",
        [
            Column("title", "Titel", width=3),
            Column("kind", "Art", Kind.coded, width=2),
            Column("status", "Status", Kind.coded),
            Column("valid_from", "gültig ab", Kind.date),
            Column("valid_until", "gültig bis", Kind.date),
            Column("started", "im Zeitraum begonnen", Kind.boolean),
            Column("expiring", "läuft in 90 Tagen aus", Kind.boolean),
        ],
        [
            (
                a.title,
                coded(a.kind),
                coded(a.status),
                a.valid_from,
                a.valid_until,
                a.valid_from is not None and start <= a.valid_from <= end,
                a.status == AgreementStatus.active
                and a.valid_until is not None
                and end <= a.valid_until <= end + EXPIRY_HORIZON,
            )
            for a in agreements
        ],
    )


def _topics_and_target_groups(group: SteeringGroup, members: list) -> Section:
    partners = {partner.id: partner for _, partner, _, _ in members}.values()
    rows = []
    for label, attribute in (("Handlungsfeld", "topics"), ("Zielgruppe", "target_groups")):
        own = {entry.id for entry in getattr(group, attribute)}
        entries = {e.id: e for p in [group, *partners] for e in getattr(p, attribute)}
        counts = Counter(entry.id for p in partners for entry in getattr(p, attribute))
        for entry in sorted(entries.values(), key=lambda e: e.sort_name):
            rows.append((label, coded(entry), entry.id in own, counts[entry.id]))
    return Section(
        "topics_and_target_groups",
        "Handlungsfelder und Zielgruppen",
        [
            Column("type", "Art"),
            Column("entry", "Bezeichnung", Kind.coded, width=3),
            Column("group", "in der Steuerungsgruppe", Kind.boolean),
            Column("members", "Mitglieder", Kind.integer),
        ],
        rows,
    )


def _network(members: list, day: date) -> Section:
    """The group's part of the network: its members, numbered, and the pairs of them that
    are parties to the same agreements in force on `day`."""
    partners = list({partner.id: partner for _, partner, _, _ in members}.values())
    number = {partner.id: n for n, partner in enumerate(partners, 1)}
    agreements = defaultdict(set)
    for agreement_id, partner_id in db.session.execute(
        select(AgreementParty.agreement_id, AgreementParty.partner_id)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(
            AgreementParty.partner_id.in_(number),
            AgreementParty.left_on.is_(None),
            Agreement.status == AgreementStatus.active,
        )
    ):
        agreements[agreement_id].add(number[partner_id])
    shared = Counter(
        pair for parties in agreements.values() for pair in combinations(sorted(parties), 2)
    )
    rows = []
    for partner in partners:
        own = number[partner.id]
        ties = [(other, n) for (first, other), n in sorted(shared.items()) if first == own]
        for other, count in ties or [(None, None)]:
            rows.append((own, partner.name, coded(partner.sector), other, count))
    return Section(
        "network",
        "Netzwerk der Mitglieder",
        [
            Column("number", "Nr.", Kind.integer, width=0.4),
            MEMBER,
            Column("sector", "Bereich", Kind.coded),
            Column("tied_to", "gemeinsame Vereinbarung mit Nr.", Kind.integer),
            Column("agreements", "Vereinbarungen in Kraft", Kind.integer),
        ],
        rows,
    )


def _coverage(members: list) -> Section:
    """Topics by target groups: how many member partners work on both (0: a gap), a row
    per topic and a column per target group."""
    partners = {partner.id: partner for _, partner, _, _ in members}.values()
    topics = sorted({t.id: t for p in partners for t in p.topics}.values(), key=_sort_name)
    groups = sorted({g.id: g for p in partners for g in p.target_groups}.values(), key=_sort_name)
    rows = [
        (
            coded(topic),
            *(sum(topic in p.topics and g in p.target_groups for p in partners) for g in groups),
        )
        for topic in topics
    ]
    return Section(
        "coverage",
        "Handlungsfelder nach Zielgruppen (Mitglieder)",
        [
            Column("topic", "Handlungsfeld", Kind.coded, width=2),
            *(Column(g.code, g.label_de, Kind.integer) for g in groups),
        ],
        rows,
    )


def _sort_name(entry) -> str:
    return entry.sort_name

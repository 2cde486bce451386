"""Reports across the whole register: agreements that expire soon, and the partner
directory (Partnerverzeichnis) with its contacts."""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import select

from crm.database import db
from crm.models import Agreement, AgreementParty, Contact, Partner, PartnerKind, SteeringGroup
from crm.models.enums import AgreementStatus, ContactStatus
from crm.records.agreements import party_current_on
from crm.reports.report import Column, Kind, Parameter, Report, Section, coded
from crm.reports.reporting import new_report, person_name, reportable_contacts

NO_LONGER_BINDING = (AgreementStatus.expired, AgreementStatus.terminated, AgreementStatus.archived)


def expiring_agreements_report(within_days: int, today: date) -> Report:
    horizon = today + timedelta(days=within_days)
    agreements = db.session.scalars(
        select(Agreement)
        .where(
            Agreement.valid_until.between(today, horizon),
            Agreement.status.not_in(NO_LONGER_BINDING),
        )
        .order_by(Agreement.valid_until, Agreement.sort_name, Agreement.id)
    ).all()
    parties = _current_parties(agreements, today)
    partners = _names(Partner, {p for current in parties.values() for p in current})
    groups = _names(SteeringGroup, {a.steering_group_id for a in agreements})
    columns = [
        Column("title", "Titel", width=3),
        Column("reference_number", "Aktenzeichen"),
        Column("kind", "Art", Kind.coded, width=2),
        Column("status", "Status", Kind.coded),
        Column("valid_until", "gültig bis", Kind.date),
        Column("days_left", "Tage bis Ablauf", Kind.integer),
        Column("notice_period_days", "Kündigungsfrist (Tage)", Kind.integer),
        Column("notice_by", "kündbar bis", Kind.date),
        Column("steering_group", "Steuerungsgruppe", width=2),
        Column("parties", "Vertragsparteien", width=3),
    ]
    rows = [
        (
            a.title,
            a.reference_number,
            coded(a.kind),
            coded(a.status),
            a.valid_until,
            (a.valid_until - today).days,
            a.notice_period_days,
            _notice_by(a),
            groups.get(a.steering_group_id),
            "; ".join(sorted(partners[p] for p in parties[a.id])),
        )
        for a in agreements
    ]
    return new_report(
        "expiring_agreements",
        "Auslaufende Kooperationsvereinbarungen",
        parameters=[
            Parameter("as_of", "Stichtag", today),
            Parameter("within_days", "Ablauf innerhalb von Tagen", within_days),
        ],
        sections=[Section("agreements", "Auslaufende Vereinbarungen", columns, rows)],
    )


def _notice_by(agreement: Agreement) -> date | None:
    if agreement.notice_period_days is None:
        return None
    return agreement.valid_until - timedelta(days=agreement.notice_period_days)


def _current_parties(agreements: list[Agreement], today: date) -> dict:
    """The partners that are current parties today, by agreement."""
    parties = defaultdict(set)
    rows = db.session.execute(
        select(AgreementParty.agreement_id, AgreementParty.partner_id).where(
            AgreementParty.agreement_id.in_([a.id for a in agreements]), party_current_on(today)
        )
    )
    for agreement_id, partner_id in rows:
        parties[agreement_id].add(partner_id)
    return parties


def _names(model, ids: set) -> dict:
    ids.discard(None)
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _any_of(column, values: Collection) -> list:
    """`column` is one of `values`; no condition when none are given."""
    return [column.in_(values)] if values else []


def directory(
    status: Collection = (), kind: Collection = (), sector: Collection = ()
) -> list[tuple[Partner, PartnerKind, list[Contact]]]:
    """Partners with their current contacts, by name."""
    partners = db.session.execute(
        select(Partner, PartnerKind)
        .join(PartnerKind, PartnerKind.code == Partner.kind)
        .where(*_any_of(Partner.status, status), *_any_of(Partner.kind, kind))
        .where(*_any_of(Partner.sector, sector))
        .order_by(Partner.sort_name, Partner.id)
    ).all()
    contacts = defaultdict(list)
    for contact in db.session.scalars(
        select(Contact)
        .where(
            Contact.partner_id.in_([partner.id for partner, _ in partners]),
            Contact.status == ContactStatus.active,
            reportable_contacts(),
        )
        .order_by(Contact.sort_name, Contact.id)
    ):
        contacts[contact.partner_id].append(contact)
    return [(partner, kind, contacts[partner.id]) for partner, kind in partners]


DIRECTORY_COLUMNS = [
    Column("partner", "Partner", width=2.5),
    Column("short_name", "Kurzname"),
    Column("kind", "Art", Kind.coded, width=1.5),
    Column("sector", "Bereich", Kind.coded, width=1.5),
    Column("street", "Straße", width=1.4),
    Column("postal_code", "PLZ", width=0.8),
    Column("town", "Ort"),
    Column("partner_email", "E-Mail (Partner)", width=2),
    Column("partner_phone", "Telefon (Partner)", width=1.3),
    Column("contact", "Ansprechperson", width=2),
    Column("function", "Funktion", width=1.5),
    Column("contact_email", "E-Mail", width=2),
    Column("contact_phone", "Telefon", width=1.3),
]


def partner_directory_report(**filters) -> Report:
    rows, contact_ids = [], set()
    for partner, kind, contacts in directory(**filters):
        organisation = (
            partner.name,
            partner.short_name,
            coded(kind),
            coded(partner.sector),
            partner.street,
            partner.postal_code,
            partner.town,
            partner.email,
            partner.phone,
        )
        for contact in contacts or [None]:
            rows.append((*organisation, *_contact_cells(contact)))
        contact_ids |= {contact.id for contact in contacts}
    return new_report(
        "partner_directory",
        "Partnerverzeichnis",
        sections=[
            Section(
                "partners",
                "Partner und Ansprechpersonen",
                DIRECTORY_COLUMNS,
                rows,
                block_columns=len(DIRECTORY_COLUMNS) - len(_contact_cells(None)),
            )
        ],
        contact_ids=contact_ids,
    )


def _contact_cells(contact: Contact | None) -> tuple:
    if contact is None:
        return (None, None, None, None)
    return (person_name(contact), contact.function, contact.email, contact.phone)

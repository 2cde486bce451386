"""Rows for tests, made through the ORM inside the test's transaction."""

from datetime import UTC, date, datetime
from itertools import count
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.database import Base
from crm.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Contact,
    ExportSchedule,
    Meeting,
    Membership,
    Partner,
    SteeringGroup,
    Topic,
)
from crm.models.enums import (
    AgreementKind,
    LegalBasis,
    MembershipRole,
    PartyRole,
    Sector,
    SteeringGroupKind,
)

MISSING_ID = "6b1f0c6e-0000-4000-8000-000000000000"

_numbers = count(1)
M = TypeVar("M", bound=Base)


def _make(session: Session, model: type[M], defaults: dict, fields: dict) -> M:
    record = model(**defaults | fields)
    session.add(record)
    session.flush()
    return record


def make_partner(session: Session, **fields) -> Partner:
    defaults = {"name": f"Partner {next(_numbers)}", "kind": "chamber", "sector": Sector.external}
    return _make(session, Partner, defaults, fields)


def make_contact(session: Session, **fields) -> Contact:
    defaults = {"family_name": f"Muster{next(_numbers)}", "legal_basis": LegalBasis.public_task}
    return _make(session, Contact, defaults, fields)


def make_group(session: Session, **fields) -> SteeringGroup:
    defaults = {"name": "Willkommen bei Freunden", "kind": SteeringGroupKind.steering_group}
    return _make(session, SteeringGroup, defaults, fields)


def make_membership(session: Session, group: SteeringGroup, partner: Partner, **fields):
    defaults = {
        "steering_group_id": group.id,
        "partner_id": partner.id,
        "role": MembershipRole.member,
        "start_date": date(2016, 5, 1),
    }
    return _make(session, Membership, defaults, fields)


def make_agreement(session: Session, **fields) -> Agreement:
    defaults = {"title": "Kooperationsvereinbarung", "kind": AgreementKind.cooperation_agreement}
    return _make(session, Agreement, defaults, fields)


def make_party(session: Session, agreement: Agreement, **fields) -> AgreementParty:
    if "partner_id" not in fields:
        fields["partner_id"] = make_partner(session).id
    defaults = {"agreement_id": agreement.id, "role": PartyRole.party}
    return _make(session, AgreementParty, defaults, fields)


def topic(session: Session, code: str) -> Topic:
    return session.scalars(select(Topic).where(Topic.code == code)).one()


def make_meeting(session: Session, group: SteeringGroup, **fields) -> Meeting:
    defaults = {"steering_group_id": group.id, "starts_at": datetime(2026, 3, 5, 9, tzinfo=UTC)}
    return _make(session, Meeting, defaults, fields)


def make_action_item(session: Session, meeting: Meeting, **fields) -> ActionItem:
    defaults = {"meeting_id": meeting.id, "title": f"Aufgabe {next(_numbers)}"}
    return _make(session, ActionItem, defaults, fields)


def make_schedule(session: Session, **fields) -> ExportSchedule:
    defaults = {
        "name": f"Export {next(_numbers)}",
        "report": "expiring_agreements",
        "format": "csv",
        "cron": "0 7 * * *",
        "destination": "database",
        "next_run_at": datetime(2026, 1, 1, 6, tzinfo=UTC),
    }
    return _make(session, ExportSchedule, defaults, fields)

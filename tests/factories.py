"""Rows for tests, made through the ORM inside the test's transaction."""

from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Contact, Partner, Topic
from crm.models.enums import LegalBasis, Sector

_numbers = count(1)


def make_partner(session: Session, **fields) -> Partner:
    partner = Partner(
        **{"name": f"Partner {next(_numbers)}", "kind": "chamber", "sector": Sector.external}
        | fields
    )
    session.add(partner)
    session.flush()
    return partner


def make_contact(session: Session, **fields) -> Contact:
    contact = Contact(
        **{"family_name": f"Muster{next(_numbers)}", "legal_basis": LegalBasis.public_task} | fields
    )
    session.add(contact)
    session.flush()
    return contact


def topic(session: Session, code: str) -> Topic:
    return session.scalars(select(Topic).where(Topic.code == code)).one()

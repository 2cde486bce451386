"""What every report shares: its frame, the names it shows, and which contacts it may show."""

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement

from crm.models import Contact
from crm.models.base import utcnow
from crm.reports.report import LOCAL_TIME, Parameter, Report


def reportable_contacts() -> ColumnElement[bool]:
    """THE place that decides which contacts reports and exports may show.

    Contacts without a valid legal basis (DSGVO) are left out of every report, directory
    and vCard export, and so out of every scheduled run: erased contacts (tombstones) and
    those who withdrew their consent (`Contact.legal_basis_valid`).
    """
    return Contact.legal_basis_valid


def new_report(key: str, title: str, **fields) -> Report:
    """A report carrying the municipality's name and the time it was made."""
    return Report(
        key=key,
        title=title,
        municipality=current_app.config["CRM_MUNICIPALITY_NAME"],
        generated_at=utcnow(),
        **fields,
    )


def period_parameters(start: date, end: date) -> list[Parameter]:
    return [Parameter("from", "Zeitraum von", start), Parameter("to", "Zeitraum bis", end)]


def person_name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return " ".join(p for p in (contact.title, contact.given_name, contact.family_name) if p)


def local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of `start` to the end of `end`, Berlin time."""
    first = datetime.combine(start, time.min, LOCAL_TIME)
    after_last = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TIME)
    return first, after_last


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TIME).date()

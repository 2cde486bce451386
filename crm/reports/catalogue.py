"""The reports that can be scheduled: their parameters, and how each is built.

Schedules store parameters as JSON. A period is stored relative (`previous_month`) and
resolved against the day the run was due, so a retry a day later reports the same period.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import marshmallow as ma
from marshmallow import fields, validate

from crm.database import db
from crm.errors import InvalidInput
from crm.models import SteeringGroup
from crm.models.enums import PartnerStatus, Sector
from crm.models.export import Period, ReportKind
from crm.reports.group_report import group_report
from crm.reports.register_reports import expiring_agreements_report, partner_directory_report
from crm.reports.report import Report


def period_dates(period: Period, today: date) -> tuple[date, date]:
    if period == Period.year_to_date:
        return date(today.year, 1, 1), today
    if period == Period.previous_year:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    months = 3 if period == Period.previous_quarter else 1
    this_period = date(today.year, today.month - (today.month - 1) % months, 1)
    last_day = this_period - timedelta(days=1)
    first_month = last_day.month - months + 1
    return date(last_day.year, first_month, 1), last_day


def _existing_group(group_id) -> None:
    if db.session.get(SteeringGroup, group_id) is None:
        raise ma.ValidationError(f"No steering group has the id {group_id}.")


class GroupReportParameters(ma.Schema):
    steering_group_id = fields.UUID(required=True, validate=_existing_group)
    period = fields.Enum(
        Period,
        by_value=True,
        load_default=Period.previous_month,
        metadata={"description": "The period, counted back from the day the run is due."},
    )


class ExpiringAgreementsParameters(ma.Schema):
    within_days = fields.Integer(
        load_default=90,
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "Agreements whose `valid_until` lies within this many days."},
    )


class PartnerDirectoryParameters(ma.Schema):
    status = fields.List(
        fields.Enum(PartnerStatus, by_value=True),
        load_default=lambda: [PartnerStatus.active],
        metadata={"description": "Partners with this status; `active` when absent."},
    )
    kind = fields.List(fields.String(validate=validate.Length(max=60)))
    sector = fields.List(fields.Enum(Sector, by_value=True))


@dataclass(frozen=True)
class ScheduledReport:
    parameters: type[ma.Schema]
    build: Callable[[dict, date], Report]


def _group_report(parameters: dict, today: date) -> Report:
    group = db.session.get(SteeringGroup, parameters["steering_group_id"])
    return group_report(group, *period_dates(parameters["period"], today))


CATALOGUE = {
    ReportKind.steering_group_report: ScheduledReport(GroupReportParameters, _group_report),
    ReportKind.expiring_agreements: ScheduledReport(
        ExpiringAgreementsParameters, lambda p, today: expiring_agreements_report(**p, today=today)
    ),
    ReportKind.partner_directory: ScheduledReport(
        PartnerDirectoryParameters, lambda p, _today: partner_directory_report(**p)
    ),
}


def checked_parameters(kind: ReportKind, parameters: dict) -> dict:
    """The parameters as they will be stored, or 422 naming the field that is wrong."""
    schema = CATALOGUE[kind].parameters()
    try:
        return schema.dump(schema.load(parameters))
    except ma.ValidationError as error:
        messages = error.normalized_messages()
        raise InvalidInput(
            f"These are not valid parameters for the report '{kind}'.",
            errors={f"parameters.{name}": _listed(m) for name, m in messages.items()},
        ) from error


def _listed(messages) -> list[str]:
    return messages if isinstance(messages, list) else [str(messages)]


def build_scheduled_report(kind: ReportKind, parameters: dict, today: date) -> Report:
    entry = CATALOGUE[kind]
    return entry.build(entry.parameters().load(parameters), today)

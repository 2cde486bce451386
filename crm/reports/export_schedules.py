"""Rules of export schedules (geplante Exporte): parameters that fit the report, a
destination that can be delivered to, and when the schedule is next due."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim

from crm.errors import InvalidInput
from crm.models import ExportSchedule
from crm.models.base import utcnow
from crm.models.export import ExportDestination
from crm.reports.catalogue import checked_parameters

DEFAULT_TIME_ZONE = "Europe/Berlin"
TIMING = ("cron", "time_zone", "enabled")


def next_due(cron: str, time_zone: str, after: datetime) -> datetime:
    """The first time after `after` that the cron expression names, on the wall clock of
    `time_zone` (so `0 7 * * 1` is 07:00 in Berlin, in summer and in winter)."""
    local = after.astimezone(ZoneInfo(time_zone))
    return next(CronSim(cron, local)).astimezone(UTC)


def timing(changes: Mapping[str, Any], schedule: ExportSchedule | None = None) -> dict:
    """`next_run_at` for a new schedule, or for one whose cron, time zone or `enabled`
    changes; nothing otherwise, so that a failed run still waiting for its retry is kept."""
    if schedule is not None and not any(name in changes for name in TIMING):
        return {}

    def current(name: str, default: Any) -> Any:
        return changes[name] if name in changes else getattr(schedule, name, default)

    if current("enabled", True) is False:
        return {"next_run_at": None}
    cron, time_zone = current("cron", None), current("time_zone", None) or DEFAULT_TIME_ZONE
    return {"next_run_at": next_due(cron, time_zone, utcnow())}


def check_schedule(schedule: ExportSchedule) -> None:
    """The schedule as a whole, after a write: 422 naming the field otherwise."""
    checked_parameters(schedule.report, schedule.parameters or {})
    if schedule.destination == ExportDestination.email and not schedule.email_recipients:
        raise InvalidInput(
            "An export by e-mail needs recipients.",
            errors={"email_recipients": ["Required when the destination is 'email'."]},
        )

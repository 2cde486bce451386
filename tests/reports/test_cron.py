"""The cron pattern the contract publishes admits only expressions that fall due."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.reports.cron import CRON

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(CRON.regex, fullmatch=True))
def test_every_expression_the_pattern_admits_falls_due(expression):
    assert next(CronSim(expression, NOW.astimezone(ZoneInfo("Europe/Berlin")))) > NOW

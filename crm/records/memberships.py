"""Who sat in a steering group when (Mitgliedschaften über die Zeit).

Memberships are never overwritten when someone leaves: ending one sets its `end_date`, the
last day on which the partner was a member. "Who sat in the group on 2017-03-01?" is then a
question about spans, answered the same way wherever it is asked.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from crm.models import Membership


def in_force_on(day: date) -> ColumnElement[bool]:
    """Memberships that had started by `day` and had not ended before it."""
    return and_(
        Membership.start_date <= day,
        or_(Membership.end_date.is_(None), Membership.end_date >= day),
    )


def ended_before(day: date) -> ColumnElement[bool]:
    """Memberships whose last day lies before `day`: the group's former members."""
    return Membership.end_date < day

"""Kooperationsvereinbarungen: what "current" and "in force" mean, and the rule that an
agreement in force (status `active`) binds at least two parties.

The two definitions below are the only ones; lists, filters, the rule of two parties,
reports and the network all ask them:
- A party is *current* on a day from its `joined_on` (always, where unknown) through its
  `left_on`, that day included: a party whose `left_on` lies ahead is still current, as a
  member is until its `end_date` (`crm.records.memberships.in_force_on`).
- An agreement is *in force* on a day when it binds its parties then: `active`, or ended
  (`expired`, `terminated`) with a known last day; valid from (or else signed) by then;
  valid until that day or open-ended. A draft binds no one.

The rule of two parties is checked after a change has been flushed and before the request commits:
putting an agreement into force with too few parties is invalid input (422, on `status`);
a party leaving or being removed so that too few remain conflicts with the agreement's
state (409): end the agreement first, or add a party.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select

from crm.database import db
from crm.errors import Conflict, InvalidInput
from crm.models import Agreement, AgreementParty
from crm.models.enums import AgreementStatus

MIN_PARTIES_IN_FORCE = 2
ENDED = (AgreementStatus.expired, AgreementStatus.terminated)


def party_current_on(day: date) -> ColumnElement[bool]:
    """Parties that had joined by `day` and had not left before it."""
    return and_(
        or_(AgreementParty.joined_on.is_(None), AgreementParty.joined_on <= day),
        or_(AgreementParty.left_on.is_(None), AgreementParty.left_on >= day),
    )


def in_force_during(first: date, last: date) -> ColumnElement[bool]:
    """Agreements in force on at least one day from `first` to `last`."""
    started = func.coalesce(Agreement.valid_from, Agreement.signed_on)
    return and_(
        or_(
            Agreement.status == AgreementStatus.active,
            and_(Agreement.status.in_(ENDED), Agreement.valid_until.is_not(None)),
        ),
        or_(started.is_(None), started <= last),
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= first),
    )


def in_force_on(day: date) -> ColumnElement[bool]:
    """Agreements in force on `day`."""
    return in_force_during(day, day)


def current_party_count(agreement: Agreement, day: date | None = None) -> int:
    """Partners that are current parties today (or on `day`); a partner in two roles
    counts once."""
    return db.session.scalar(
        select(func.count(AgreementParty.partner_id.distinct())).where(
            AgreementParty.agreement_id == agreement.id,
            party_current_on(day or date.today()),
        )
    )


def _lacks_parties(agreement: Agreement) -> int | None:
    """The number of current parties, when the agreement is in force with too few.

    The agreement's row is locked first, so that two requests that each end one of its
    parties, or one that ends a party while another puts the agreement into force, run
    one after the other and the second one counts what the first one committed.
    """
    status = db.session.scalar(
        select(Agreement.status).where(Agreement.id == agreement.id).with_for_update()
    )
    if status != AgreementStatus.active:
        return None
    count = current_party_count(agreement)
    return count if count < MIN_PARTIES_IN_FORCE else None


def require_parties_to_take_effect(agreement: Agreement) -> None:
    """After setting the status: `active` needs at least two current parties."""
    count = _lacks_parties(agreement)
    if count is not None:
        message = (
            f"An agreement in force needs at least {MIN_PARTIES_IN_FORCE} current parties; "
            f"it has {count}. Add its parties first."
        )
        raise InvalidInput("The agreement cannot take effect yet.", errors={"status": [message]})


def require_parties_to_remain(agreement: Agreement) -> None:
    """After a party left or was removed: an agreement in force keeps at least two."""
    count = _lacks_parties(agreement)
    if count is not None:
        raise Conflict(
            f"The agreement is in force and would keep only {count} current "
            f"part{'y' if count == 1 else 'ies'}; it needs at least {MIN_PARTIES_IN_FORCE}. "
            "Change its status (expired, terminated) first, or add another party."
        )

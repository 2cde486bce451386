"""An agreement in force (Kooperationsvereinbarung, status `active`) binds at least two parties.

The rule is checked after a change has been flushed and before the request commits:
putting an agreement into force with too few parties is invalid input (422, on `status`);
a party leaving or being removed so that too few remain conflicts with the agreement's
state (409): end the agreement first, or add a party.
"""

from sqlalchemy import func, select

from crm.database import db
from crm.errors import Conflict, InvalidInput
from crm.models import Agreement, AgreementParty
from crm.models.enums import AgreementStatus

MIN_PARTIES_IN_FORCE = 2


def current_party_count(agreement: Agreement) -> int:
    """Partners that are current parties (not left); a partner in two roles counts once."""
    return db.session.scalar(
        select(func.count(AgreementParty.partner_id.distinct())).where(
            AgreementParty.agreement_id == agreement.id, AgreementParty.left_on.is_(None)
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

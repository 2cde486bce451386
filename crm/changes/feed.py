"""Reading the change feed (Änderungs-Feed) in order, from a cursor, without gaps.

On PostgreSQL a sequence hands out positions when rows are inserted, not when their
transactions commit: a transaction that started earlier can commit a lower position after
a reader has moved past it. So the feed is ordered by (transaction id, position) and
serves only transactions older than the oldest one still running
(`pg_snapshot_xmin(pg_current_snapshot())`): everything below that line is settled, and
every transaction still to commit lies above it. SQLite has one writer at a time, so
positions are already in commit order there.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, literal_column, or_, select, true
from sqlalchemy.orm import Session

from crm.http.patterns import Pattern
from crm.models import ChangeEvent
from crm.ordering import after
from crm.records.audit import as_json

# The oldest transaction still running; anything older has committed or rolled back.
OLDEST_RUNNING = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
# The reader's own transaction, if it wrote: its changes are its own to see.
OWN_TRANSACTION = literal_column("pg_current_xact_id_if_assigned()::text::bigint")
TOKEN = Pattern(r"^[0-9]{1,18}-[0-9]{1,18}$")
FEED_ORDER = ((ChangeEvent.txid, False), (ChangeEvent.position, False))


@dataclass(frozen=True, order=True)
class FeedPosition:
    """Where a reader stands: after the change with this (txid, position)."""

    txid: int = 0
    position: int = 0

    @property
    def token(self) -> str:
        return f"{self.txid}-{self.position}"

    @classmethod
    def parse(cls, token: str) -> "FeedPosition":
        """Raises ValueError for a token this feed did not make."""
        if not TOKEN.accepts(token):
            raise ValueError("Not a cursor of the change feed.")
        txid, position = token.split("-")
        return cls(int(txid), int(position))

    @classmethod
    def of(cls, change: ChangeEvent) -> "FeedPosition":
        return cls(change.txid, change.position)


def settled(session: Session) -> ColumnElement[bool]:
    """Changes no transaction can still add to or land before."""
    if session.get_bind().dialect.name != "postgresql":
        return true()
    return or_(ChangeEvent.txid < OLDEST_RUNNING, ChangeEvent.txid == OWN_TRANSACTION)


def changes_after(
    session: Session,
    start: FeedPosition,
    limit: int,
    resource_types: Iterable[str] = (),
) -> list[ChangeEvent]:
    """Up to `limit` settled changes after `start`, in feed order; one index seek."""
    statement = (
        select(ChangeEvent)
        .where(after(FEED_ORDER, [start.txid, start.position]), settled(session))
        .order_by(ChangeEvent.txid, ChangeEvent.position)
        .limit(limit)
    )
    if resource_types:
        statement = statement.where(ChangeEvent.resource_type.in_(list(resource_types)))
    return list(session.scalars(statement))


def head(session: Session) -> FeedPosition:
    """The position after the newest settled change: where a new reader starts."""
    newest = session.execute(
        select(ChangeEvent.txid, ChangeEvent.position)
        .where(settled(session))
        .order_by(ChangeEvent.txid.desc(), ChangeEvent.position.desc())
        .limit(1)
    ).first()
    return FeedPosition(*newest) if newest else FeedPosition()


def as_payload(change: ChangeEvent) -> dict:
    """The change as the feed and webhooks show it, ready for JSON."""
    return {
        "cursor": FeedPosition.of(change).token,
        "event_type": change.event_type,
        "resource_type": change.resource_type,
        "resource_id": str(change.resource_id),
        "parent_id": str(change.parent_id) if change.parent_id else None,
        "action": change.action,
        "occurred_at": as_json(change.occurred_at),
        "changed_fields": change.changed_fields,
    }

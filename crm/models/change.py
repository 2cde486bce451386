"""The change feed (Änderungs-Feed): one row per audit event, without its values.

Every audit event becomes a change in the same transaction (`record_changes`, after each
flush), so the feed, and the webhooks that follow it, see exactly what the audit trail
records; only the names of the changed fields travel, never their values, so no personal
data leaves.

`txid` is the writing transaction's id on PostgreSQL (0 on SQLite, which has one writer
at a time): the feed orders by (`txid`, `position`) and serves only transactions older
than every one still running, so that no later commit can land behind a reader's cursor.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    String,
    Uuid,
    event,
    inspect,
    literal_column,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.database import Base, insert_rows
from crm.models.audit import AuditEvent
from crm.models.base import UTCDateTime
from crm.models.enums import AuditAction

CURRENT_TRANSACTION_ID = literal_column("pg_current_xact_id()::text::bigint")
# What a change is made of: these columns of its audit event.
FROM_AUDIT = ("occurred_at", "resource_type", "resource_id", "parent_id", "action", "changes")


class ChangeEvent(Base):
    __tablename__ = "change_events"
    __table_args__ = (Index("ix_change_events_feed_order", "txid", "position"),)

    position: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    txid: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The audit action's value, as text: the feed passes on actions added later unchanged.
    action: Mapped[str] = mapped_column(String(40))
    changed_fields: Mapped[list[str]] = mapped_column(JSON)

    @property
    def event_type(self) -> str:
        return f"{self.resource_type}.{self.action}"


def record_changes(connection: Connection, audit_events: Iterable[Mapping[str, Any]]) -> None:
    """The feed's rows for these audit events (their columns), in their order (an
    import's batch holds hundreds)."""
    rows = [_change_row(audit_event) for audit_event in audit_events]
    postgres = connection.dialect.name == "postgresql"
    insert_rows(
        connection, ChangeEvent.__table__, rows, txid=CURRENT_TRANSACTION_ID if postgres else 0
    )


def _change_row(audit_event: Mapping[str, Any]) -> dict[str, Any]:
    action = AuditAction(audit_event["action"])
    return {
        "occurred_at": audit_event["occurred_at"],
        "resource_type": audit_event["resource_type"],
        "resource_id": audit_event["resource_id"],
        "parent_id": audit_event["parent_id"],
        "action": action.value,
        # A tombstone names what was deleted, nothing of what it held.
        "changed_fields": [] if action == AuditAction.delete else sorted(audit_event["changes"]),
    }


@event.listens_for(Session, "after_flush")
def _record_flushed_changes(session: Session, _flush_context) -> None:
    """Every audit event a flush inserted becomes a change in the same transaction, in
    the order the events were added (the order the flush inserted them in)."""
    inserted = [record for record in session.new if isinstance(record, AuditEvent)]
    inserted.sort(key=lambda record: inspect(record).insert_order)
    rows = [{name: getattr(record, name) for name in FROM_AUDIT} for record in inserted]
    record_changes(session.connection(), rows)

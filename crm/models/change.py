"""The change feed (Änderungs-Feed): one row per audit event, without its values.

Every audit event becomes a change in the same transaction (the listener below), so the
feed, and the webhooks that follow it, see exactly what the audit trail records; only the
names of the changed fields travel, never their values, so no personal data leaves.

`txid` is the writing transaction's id on PostgreSQL (0 on SQLite, which has one writer
at a time): the feed orders by (`txid`, `position`) and serves only transactions older
than every one still running, so that no later commit can land behind a reader's cursor.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid, event, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.audit import AuditEvent
from crm.models.base import UTCDateTime
from crm.models.enums import AuditAction

CURRENT_TRANSACTION_ID = literal_column("pg_current_xact_id()::text::bigint")


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


@event.listens_for(AuditEvent, "after_insert")
def _record_change(_mapper, connection, audit_event: AuditEvent) -> None:
    postgres = connection.dialect.name == "postgresql"
    # A tombstone names what was deleted, nothing of what it held.
    deleted = audit_event.action == AuditAction.delete
    connection.execute(
        ChangeEvent.__table__.insert().values(
            txid=CURRENT_TRANSACTION_ID if postgres else 0,
            occurred_at=audit_event.occurred_at,
            resource_type=audit_event.resource_type,
            resource_id=audit_event.resource_id,
            parent_id=audit_event.parent_id,
            action=AuditAction(audit_event.action).value,
            changed_fields=[] if deleted else sorted(audit_event.changes),
        )
    )

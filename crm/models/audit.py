"""The audit trail (Änderungsprotokoll): who changed which record when, and how.

Events are written in the same transaction as the change they record and are never
changed through the API. They refer to records by id without foreign keys: the story of
a deleted record must outlive it.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import UTCDateTime, enum_column, utcnow
from crm.models.enums import ActorKind, AuditAction


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    request_id: Mapped[str | None] = mapped_column(String(128))
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # The record this one belongs to (a membership's steering group, a party's
    # agreement), so that the owner's history shows it.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    # {"field": {"old": ..., "new": ...}}, JSON values as the API shows them.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The contact whose personal data `changes` may hold: found and blanked per person
    # when the person's data is erased (DSGVO Art. 17).
    data_subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Responses to POSTs that carried an `Idempotency-Key`, to answer a repeat with them."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import UTCDateTime, utcnow


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    # Keys are the caller's own: two callers may pick the same one.
    __table_args__ = (UniqueConstraint("actor", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    actor: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Empty until the first request's response is stored.
    status_code: Mapped[int | None] = mapped_column()
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    response_body: Mapped[str | None] = mapped_column(Text)
    # Set when the response was dropped because it held a person's erased data: a repeat
    # then answers 410 and is still not carried out again.
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

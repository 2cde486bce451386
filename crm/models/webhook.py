"""Webhooks: subscriptions of other systems to kinds of change, and each delivery.

A subscription follows the change feed with a cursor of its own; the delivery worker
turns the changes it has not seen into deliveries and sends them. A delivery is the log
of one event to one subscriber: how often it was tried, what the receiver answered.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base
from crm.models.base import Resource, UTCDateTime, enum_column, utcnow
from crm.models.enums import LabelledEnum

# `whsec_` and the base64 of the longest secret accepted (200 characters of UTF-8).
SECRET_LENGTH = 1074


class DeliveryStatus(LabelledEnum):
    pending = "pending", "ausstehend", "pending"
    delivered = "delivered", "zugestellt", "delivered"
    failed = "failed", "aufgegeben", "given up"


class WebhookSubscription(Resource, Base):
    __tablename__ = "webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # `whsec_...` (crm.changes.webhook_secrets), needed in plain text to sign; never
    # shown again after it was set. After a rotation the previous one signs too, for a while.
    secret: Mapped[str] = mapped_column(String(SECRET_LENGTH))
    previous_secret: Mapped[str | None] = mapped_column(String(SECRET_LENGTH))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    # Where in the change feed this subscription has read up to.
    feed_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    feed_position: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    change_position: Mapped[int] = mapped_column(ForeignKey("change_events.position"), index=True)
    event_type: Mapped[str] = mapped_column(String(80))
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that took the delivery holds it until then; a crashed one lets it go.
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

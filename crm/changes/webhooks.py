"""Webhook deliveries: from the change feed to each subscriber, signed, retried, logged.

Nothing is sent while a request is being answered. A change is written in the
transaction that made it (crm.models.change); the worker (`flask crm webhooks deliver`)
reads the feed after each subscription's cursor, writes a delivery per matching change,
and sends the deliveries that are due, outside any transaction, so that a slow receiver
holds no lock. A failed delivery is tried again later, with growing waits; a receiver
that is down loses nothing, it gets its deliveries when it is back.

Deliveries to different subscriptions are sent at once (up to `CONCURRENT_RECEIVERS`),
each under one deadline (`webhook_http`), so that a slow receiver delays only its own;
one subscription's deliveries go one after the other, in feed order. Only checked
addresses are reached (`webhook_targets`).

Receivers verify the Standard Webhooks signature (`webhook_secrets`) and drop repeats by
`Webhook-Id`: delivery is at least once, and in feed order only while nothing has to be
retried.
"""

import http.client
import json
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from crm.changes.feed import FeedPosition, as_payload, changes_after, head
from crm.changes.webhook_http import DeadlinePassed, post
from crm.changes.webhook_secrets import PREVIOUS_SECRET_GRACE, new_secret, signature
from crm.changes.webhook_targets import Network, RefusedTarget, checked_address
from crm.models import ChangeEvent, WebhookDelivery, WebhookSubscription
from crm.models.base import utcnow
from crm.models.webhook import DeliveryStatus

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
# 30 s, 1, 2, 4, ... minutes, then every 6 hours: about a day and a half in all.
MAX_ATTEMPTS = 15
LEASE = timedelta(minutes=2)
BATCH = 100
CONCURRENT_RECEIVERS = 8
USER_AGENT = "Kooperationspartner-CRM-Webhooks/1"


@dataclass(frozen=True)
class DeliverySettings:
    """What the worker may reach besides public addresses, and how long one delivery
    may take in all (`CRM_WEBHOOK_ALLOWED_NETWORKS`, `CRM_WEBHOOK_TIMEOUT_SECONDS`)."""

    allowed_networks: tuple[Network, ...] = ()
    timeout_seconds: float = 10

    @classmethod
    def of(cls, config: Mapping) -> "DeliverySettings":
        return cls(config["CRM_WEBHOOK_ALLOWED_NETWORKS"], config["CRM_WEBHOOK_TIMEOUT_SECONDS"])


def subscribed(event_types: list[str], event_type: str) -> bool:
    """`partner.update` matches `partner.update`, `partner.*` and `*`."""
    resource_type = event_type.split(".", 1)[0]
    return bool({event_type, f"{resource_type}.*", "*"} & set(event_types))


def feed_start(session: Session) -> dict[str, int]:
    """A new subscription hears of changes from now on."""
    start = head(session)
    return {"feed_txid": start.txid, "feed_position": start.position}


def fan_out(session: Session, limit: int = 500) -> int:
    """Deliveries for the changes each active subscription has not yet seen. Copies of
    the worker running at once each take other subscriptions (row locks)."""
    subscriptions = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.active)
        .with_for_update(skip_locked=True)
    ).all()
    created = 0
    for subscription in subscriptions:
        start = FeedPosition(subscription.feed_txid, subscription.feed_position)
        changes = changes_after(session, start, limit)
        for change in changes:
            if subscribed(subscription.event_types, change.event_type):
                session.add(_delivery(subscription, change))
                created += 1
        if changes:
            _move_cursor(session, subscription, FeedPosition.of(changes[-1]))
    session.commit()
    return created


def _delivery(subscription: WebhookSubscription, change: ChangeEvent) -> WebhookDelivery:
    return WebhookDelivery(
        id=uuid.uuid4(),
        subscription_id=subscription.id,
        change_position=change.position,
        event_type=change.event_type,
    )


def _move_cursor(session: Session, subscription: WebhookSubscription, end: FeedPosition) -> None:
    # Bookkeeping, not an edit: the subscription's ETag and updated_at stay as they are.
    table = WebhookSubscription.__table__
    session.execute(
        update(table)
        .where(table.c.id == subscription.id)
        .values(feed_txid=end.txid, feed_position=end.position, updated_at=table.c.updated_at)
    )


def rotate_secret(subscription: WebhookSubscription, now: datetime, secret: str | None) -> dict:
    """The changes that make `secret` (or a new one) the subscription's secret, while
    the current one goes on signing for `PREVIOUS_SECRET_GRACE`."""
    return {
        "secret": secret or new_secret(),
        "previous_secret": subscription.secret,
        "previous_secret_expires_at": now + PREVIOUS_SECRET_GRACE,
    }


def secrets_in_force(subscription: WebhookSubscription, now: datetime) -> tuple[str, ...]:
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires and expires > now:
        return (subscription.secret, subscription.previous_secret)
    return (subscription.secret,)


@dataclass(frozen=True)
class Outgoing:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    url: str
    secrets: tuple[str, ...]
    body: bytes


def claim_due(session: Session, now: datetime, limit: int = BATCH) -> list[Outgoing]:
    """Take up to `limit` due deliveries for `LEASE`; another worker skips them."""
    due = session.execute(
        select(WebhookDelivery, WebhookSubscription, ChangeEvent)
        .join(WebhookSubscription, WebhookDelivery.subscription_id == WebhookSubscription.id)
        .join(ChangeEvent, WebhookDelivery.change_position == ChangeEvent.position)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until < now),
            WebhookSubscription.active,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.change_position)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    outgoing = []
    for delivery, subscription, change in due:
        delivery.leased_until = now + LEASE
        outgoing.append(
            Outgoing(
                delivery.id,
                subscription.id,
                subscription.url,
                secrets_in_force(subscription, now),
                _body(delivery, change),
            )
        )
    session.commit()
    return outgoing


def _body(delivery: WebhookDelivery, change: ChangeEvent) -> bytes:
    payload = {
        "delivery_id": str(delivery.id),
        "subscription_id": str(delivery.subscription_id),
        "event_type": delivery.event_type,
        "change": as_payload(change),
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def send(outgoing: Outgoing, settings: DeliverySettings) -> tuple[int | None, str | None]:
    """POST one delivery; (HTTP status, None) or (status or None, what went wrong).
    A refused target is never connected to: its log says the same, whether anything
    listens there or not."""
    timestamp = int(time.time())
    webhook_id = str(outgoing.delivery_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": webhook_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(outgoing.secrets, webhook_id, timestamp, outgoing.body),
    }
    seconds = settings.timeout_seconds
    try:
        address = checked_address(outgoing.url, settings.allowed_networks)
        status = post(outgoing.url, address, headers, outgoing.body, seconds)
    except RefusedTarget as refused:
        return None, f"Not sent: {refused}"[:500]
    except DeadlinePassed:
        return None, f"No complete answer within {seconds:g} seconds"
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"[:500]
    return status, None if 200 <= status < 300 else f"HTTP {status}"


def record_attempt(
    session: Session, delivery_id: uuid.UUID, status: int | None, error: str | None
) -> bool:
    """Log the attempt; schedule the next one after a failure. True if delivered."""
    delivery = session.get(WebhookDelivery, delivery_id)
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status
    delivery.leased_until = None
    succeeded = error is None and status is not None and 200 <= status < 300
    if succeeded:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = now
        delivery.last_error = None
    else:
        delivery.last_error = error or f"HTTP {status}"
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.failed
    session.commit()
    return succeeded


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0


def deliver_once(
    session: Session, settings: DeliverySettings, now: datetime | None = None
) -> PassResult:
    """One pass: fan the new changes out, then send what is due, each subscription's
    deliveries in order, the subscriptions side by side; a subscription's attempts are
    logged once its deliveries are sent."""
    fan_out(session)
    queues: dict[uuid.UUID, list[Outgoing]] = {}
    for outgoing in claim_due(session, now or utcnow()):
        queues.setdefault(outgoing.subscription_id, []).append(outgoing)
    result = PassResult()
    with ThreadPoolExecutor(CONCURRENT_RECEIVERS, thread_name_prefix="webhook") as pool:
        sending = [pool.submit(_send_in_order, queue, settings) for queue in queues.values()]
        for finished in as_completed(sending):
            for outgoing, (status, error) in finished.result():
                if record_attempt(session, outgoing.delivery_id, status, error):
                    result.delivered += 1
                else:
                    result.failed += 1
    return result


def _send_in_order(queue: list[Outgoing], settings: DeliverySettings) -> list:
    return [(outgoing, send(outgoing, settings)) for outgoing in queue]

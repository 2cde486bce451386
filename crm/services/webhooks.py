"""Webhook deliveries: from the change feed to each subscriber, signed, retried, logged.

Nothing is sent while a request is being answered. A change is written in the
transaction that made it (crm.models.change); the worker (`flask crm webhooks deliver`)
reads the feed after each subscription's cursor, writes a delivery per matching change,
and sends the deliveries that are due, outside any transaction, so that a slow receiver
holds no lock. A failed delivery is tried again later, with growing waits; a receiver
that is down loses nothing, it gets its deliveries when it is back.

Receivers verify `Webhook-Signature` (see `signature`) and drop repeats by `Webhook-Id`:
delivery is at least once, and in feed order only while nothing has to be retried.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from crm.models import ChangeEvent, WebhookDelivery, WebhookSubscription
from crm.models.base import utcnow
from crm.models.webhook import DeliveryStatus
from crm.services.changes import FeedPosition, as_payload, changes_after, head

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
# 30 s, 1, 2, 4, ... minutes, then every 6 hours: about a day and a half in all.
MAX_ATTEMPTS = 15
LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 10
BATCH = 100
USER_AGENT = "Kooperationspartner-CRM-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed with the secret, of `<timestamp>.<body>`."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


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


@dataclass(frozen=True)
class Outgoing:
    delivery_id: uuid.UUID
    url: str
    secret: str
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
            Outgoing(delivery.id, subscription.url, subscription.secret, _body(delivery, change))
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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to log, not a place to send the body to."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send(outgoing: Outgoing) -> tuple[int | None, str | None]:
    """POST one delivery; (HTTP status, None) or (status or None, what went wrong)."""
    timestamp = int(time.time())
    request = urllib.request.Request(
        outgoing.url,
        data=outgoing.body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Webhook-Id": str(outgoing.delivery_id),
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": signature(outgoing.secret, timestamp, outgoing.body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"[:500]


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


def deliver_once(session: Session, now: datetime | None = None) -> PassResult:
    """One pass: fan the new changes out, then send what is due."""
    fan_out(session)
    result = PassResult()
    for outgoing in claim_due(session, now or utcnow()):
        status, error = send(outgoing)
        if record_attempt(session, outgoing.delivery_id, status, error):
            result.delivered += 1
        else:
            result.failed += 1
    return result

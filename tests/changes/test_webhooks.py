import hashlib
import hmac
import json
from datetime import timedelta
from itertools import count

import pytest

from crm.models.base import utcnow
from crm.services.webhooks import MAX_ATTEMPTS, deliver_once
from tests.changes.receiver import Receiver, free_port

SECRET = "s3cr3t-for-the-intranet-directory"
_numbers = count(1)


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


def subscribe(admin, url: str, event_types=("partner.*",)) -> dict:
    body = {"url": url, "event_types": list(event_types), "secret": SECRET}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def create_partner(admin) -> str:
    partner = {"name": f"Volkshochschule {next(_numbers)}", "kind": "chamber", "sector": "internal"}
    return admin.post("/api/v1/partners", json=partner).get_json()["id"]


def deliveries(admin, webhook: dict) -> list[dict]:
    return admin.get(f"/api/v1/webhooks/{webhook['id']}/deliveries").get_json()["data"]


def test_a_change_is_delivered_by_the_worker_not_by_the_request(admin, session, receiver):
    subscribe(admin, receiver.url)
    partner_id = create_partner(admin)
    assert receiver.received == []
    deliver_once(session)
    (received,) = receiver.received
    body = json.loads(received.body)
    assert (body["event_type"], body["change"]["resource_id"]) == ("partner.create", partner_id)


def test_the_signature_verifies_as_documented(admin, session, receiver):
    subscribe(admin, receiver.url)
    create_partner(admin)
    deliver_once(session)
    (received,) = receiver.received
    signed = received.headers["Webhook-Timestamp"].encode() + b"." + received.body
    expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["Webhook-Signature"], expected)


def test_each_delivery_is_logged_under_its_id(admin, session, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    deliver_once(session)
    (logged,) = deliveries(admin, webhook)
    assert logged["id"] == receiver.received[0].headers["Webhook-Id"]
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == (
        "delivered",
        1,
        204,
    )


def test_only_subscribed_event_types_are_sent(admin, session, receiver):
    subscribe(admin, receiver.url, ["steering_group.*"])
    create_partner(admin)
    deliver_once(session)
    assert receiver.received == []


def test_changes_before_the_subscription_are_not_sent(admin, session, receiver):
    create_partner(admin)
    subscribe(admin, receiver.url)
    deliver_once(session)
    assert receiver.received == []


def test_a_failing_receiver_is_retried_after_a_wait(admin, session, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.status = 500
    deliver_once(session)
    deliver_once(session)  # not due yet
    assert len(receiver.received) == 1
    receiver.status = 200
    deliver_once(session, now=utcnow() + timedelta(minutes=1))
    assert len(receiver.received) == 2
    assert deliveries(admin, webhook)[0]["status"] == "delivered"


def test_a_receiver_that_was_down_gets_everything_when_it_is_back(admin, session):
    port = free_port()
    with Receiver(port=port) as probe:
        url = probe.url
    subscribe(admin, url)
    created = [create_partner(admin) for _ in range(3)]
    deliver_once(session)  # nobody listens
    with Receiver(port=port) as receiver:
        deliver_once(session, now=utcnow() + timedelta(minutes=1))
    sent = [json.loads(r.body)["change"]["resource_id"] for r in receiver.received]
    assert sorted(sent) == sorted(created)


def test_a_delivery_is_given_up_after_the_last_attempt(admin, session, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.status = 503
    for attempt in range(MAX_ATTEMPTS + 2):
        deliver_once(session, now=utcnow() + timedelta(days=attempt))
    (logged,) = deliveries(admin, webhook)
    assert (logged["status"], logged["attempts"]) == ("failed", MAX_ATTEMPTS)


def test_a_paused_subscription_gets_its_changes_when_resumed(admin, session, receiver):
    webhook = subscribe(admin, receiver.url)
    admin.patch(
        f"/api/v1/webhooks/{webhook['id']}", json={"active": False}, headers={"If-Match": '"v1"'}
    )
    create_partner(admin)
    deliver_once(session)
    assert receiver.received == []
    admin.patch(
        f"/api/v1/webhooks/{webhook['id']}", json={"active": True}, headers={"If-Match": '"v2"'}
    )
    deliver_once(session)
    assert len(receiver.received) == 1


def test_the_secret_is_never_shown(admin, receiver):
    webhook = subscribe(admin, receiver.url)
    shown = admin.get(f"/api/v1/webhooks/{webhook['id']}").text
    trail = admin.get("/api/v1/audit-events", query_string={"resource_id": webhook["id"]}).text
    assert SECRET not in shown + json.dumps(webhook) + trail


def test_an_unknown_event_type_is_refused(admin, receiver):
    body = {"url": receiver.url, "event_types": ["partner.renamed"], "secret": SECRET}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert "event_types.0" in response.get_json()["errors"]


def test_the_cli_runs_one_pass(app, admin, receiver):
    subscribe(admin, receiver.url)
    create_partner(admin)
    result = app.test_cli_runner().invoke(args=["crm", "webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 delivered" in result.output and len(receiver.received) == 1

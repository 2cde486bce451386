import json
import threading
from dataclasses import replace
from datetime import timedelta
from itertools import count

import pytest

from crm.changes.webhook_targets import SETTING, parse_networks
from crm.changes.webhooks import MAX_ATTEMPTS, DeliverySettings, deliver_once
from crm.models.base import utcnow
from tests.changes.receiver import Received, Receiver, free_port
from tests.changes.verifiers import VERIFIERS, verified_in_python

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
# The receivers of these tests listen on loopback, which only the configuration allows.
LOOPBACK = parse_networks("127.0.0.0/8")
_numbers = count(1)


@pytest.fixture(autouse=True)
def loopback_allowed(app, monkeypatch):
    monkeypatch.setitem(app.config, SETTING, LOOPBACK)


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def deliver(app, session):
    """One pass of the worker, as configured (`timeout_seconds=` to shorten it)."""

    def deliver(now=None, **settings):
        return deliver_once(session, replace(DeliverySettings.of(app.config), **settings), now)

    return deliver


def subscribe(admin, url: str, event_types=("partner.*",), secret=SECRET) -> dict:
    body = {"url": url, "event_types": list(event_types), "secret": secret}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def create_partner(admin) -> str:
    partner = {"name": f"Volkshochschule {next(_numbers)}", "kind": "chamber", "sector": "internal"}
    return admin.post("/api/v1/partners", json=partner).get_json()["id"]


def deliveries(admin, webhook: dict) -> list[dict]:
    return admin.get(f"/api/v1/webhooks/{webhook['id']}/deliveries").get_json()["data"]


def rotate(admin, webhook: dict, body=None) -> dict:
    response = admin.post(f"/api/v1/webhooks/{webhook['id']}/secret/rotation", json=body or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_change_is_delivered_by_the_worker_not_by_the_request(admin, deliver, receiver):
    subscribe(admin, receiver.url)
    partner_id = create_partner(admin)
    assert receiver.received == []
    deliver()
    (received,) = receiver.received
    body = json.loads(received.body)
    assert (body["event_type"], body["change"]["resource_id"]) == ("partner.create", partner_id)


# Standard Webhooks, checked by its reference libraries on what came over the wire.


@pytest.mark.parametrize("verified", VERIFIERS)
def test_a_delivery_verifies_with_the_reference_library(admin, deliver, receiver, verified):
    subscribe(admin, receiver.url)
    create_partner(admin)
    deliver()
    (received,) = receiver.received
    assert verified(SECRET, received)


def tampered_body(received: Received) -> Received:
    return Received(received.headers, received.body.replace(b"partner.create", b"partner.delete"))


def replayed_under_another_id(received: Received) -> Received:
    headers = received.headers | {"Webhook-Id": "0b5f3c1e-8d2a-4f6b-9c7e-1a2b3c4d5e6f"}
    return Received(headers, received.body)


def signed_with_another_secret(received: Received) -> Received:
    return received  # verified below with OTHER_SECRET


@pytest.mark.parametrize("verified", VERIFIERS)
@pytest.mark.parametrize(
    "forge", [tampered_body, replayed_under_another_id, signed_with_another_secret]
)
def test_the_reference_library_rejects_a_forged_delivery(admin, deliver, receiver, verified, forge):
    subscribe(admin, receiver.url)
    create_partner(admin)
    deliver()
    (received,) = receiver.received
    secret = OTHER_SECRET if forge is signed_with_another_secret else SECRET
    assert not verified(secret, forge(received))


@pytest.mark.parametrize("raw", ["s3cr3t-for-the-intranet-directory", "Schlüssel🔑" * 18])
def test_a_secret_of_the_old_kind_keeps_its_bytes_as_the_key(admin, deliver, receiver, raw):
    subscribe(admin, receiver.url, secret=raw)
    create_partner(admin)
    deliver()
    (received,) = receiver.received
    assert verified_in_python(raw.encode(), received)


@pytest.mark.parametrize(
    "secret", ["whsec_" + "A" * 20, "whsec_not base64 at all!!", "whsec_" + "A" * 120, "short"]
)
def test_a_secret_that_is_not_one_is_refused(admin, receiver, secret):
    body = {"url": receiver.url, "event_types": ["*"], "secret": secret}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert "secret" in response.get_json()["errors"]


@pytest.mark.parametrize("verified", VERIFIERS)
def test_after_a_rotation_both_secrets_verify_until_the_previous_one_expires(
    admin, deliver, receiver, verified
):
    webhook = subscribe(admin, receiver.url)
    rotated = rotate(admin, webhook)
    new_secret = rotated["secret"]
    assert new_secret.startswith("whsec_") and new_secret != SECRET
    create_partner(admin)
    deliver()
    assert verified(SECRET, receiver.received[0]) and verified(new_secret, receiver.received[0])
    create_partner(admin)
    deliver(now=utcnow() + timedelta(hours=25))
    assert verified(new_secret, receiver.received[1])
    assert not verified(SECRET, receiver.received[1])


def test_a_rotation_can_take_a_secret_of_ones_own(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    assert rotate(admin, webhook, {"secret": OTHER_SECRET})["secret"] == OTHER_SECRET
    create_partner(admin)
    deliver()
    assert verified_in_python(OTHER_SECRET, receiver.received[0])


def test_the_secret_is_never_shown(admin, receiver):
    webhook = subscribe(admin, receiver.url)
    rotate(admin, webhook, {"secret": OTHER_SECRET})
    shown = admin.get(f"/api/v1/webhooks/{webhook['id']}").text
    trail = admin.get("/api/v1/audit-events", query_string={"resource_id": webhook["id"]}).text
    assert SECRET not in shown + json.dumps(webhook) + trail
    assert OTHER_SECRET not in shown + trail


# Retries and the delivery log.


def test_each_delivery_is_logged_under_its_id(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    deliver()
    (logged,) = deliveries(admin, webhook)
    assert logged["id"] == receiver.received[0].headers["Webhook-Id"]
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == (
        "delivered",
        1,
        204,
    )


def test_only_subscribed_event_types_are_sent(admin, deliver, receiver):
    subscribe(admin, receiver.url, ["steering_group.*"])
    create_partner(admin)
    deliver()
    assert receiver.received == []


def test_changes_before_the_subscription_are_not_sent(admin, deliver, receiver):
    create_partner(admin)
    subscribe(admin, receiver.url)
    deliver()
    assert receiver.received == []


def test_a_failing_receiver_is_retried_after_a_wait(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.status = 500
    deliver()
    deliver()  # not due yet
    assert len(receiver.received) == 1
    receiver.status = 200
    deliver(now=utcnow() + timedelta(minutes=1))
    assert len(receiver.received) == 2
    assert deliveries(admin, webhook)[0]["status"] == "delivered"


def test_a_receiver_that_was_down_gets_everything_when_it_is_back(admin, deliver):
    port = free_port()
    with Receiver(port=port) as probe:
        url = probe.url
    subscribe(admin, url)
    created = [create_partner(admin) for _ in range(3)]
    deliver()  # nobody listens
    with Receiver(port=port) as receiver:
        deliver(now=utcnow() + timedelta(minutes=1))
    sent = [json.loads(r.body)["change"]["resource_id"] for r in receiver.received]
    assert sorted(sent) == sorted(created)


def test_a_delivery_is_given_up_after_the_last_attempt(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.status = 503
    for attempt in range(MAX_ATTEMPTS + 2):
        deliver(now=utcnow() + timedelta(days=attempt))
    (logged,) = deliveries(admin, webhook)
    assert (logged["status"], logged["attempts"]) == ("failed", MAX_ATTEMPTS)


def test_a_paused_subscription_gets_its_changes_when_resumed(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    admin.patch(
        f"/api/v1/webhooks/{webhook['id']}", json={"active": False}, headers={"If-Match": '"v1"'}
    )
    create_partner(admin)
    deliver()
    assert receiver.received == []
    admin.patch(
        f"/api/v1/webhooks/{webhook['id']}", json={"active": True}, headers={"If-Match": '"v2"'}
    )
    deliver()
    assert len(receiver.received) == 1


def test_an_unknown_event_type_is_refused(admin, receiver):
    body = {"url": receiver.url, "event_types": ["partner.renamed"], "secret": SECRET}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert "event_types.0" in response.get_json()["errors"]


# Hostile targets: nothing inside is reached, nothing about it is told.

INSIDE = [
    "http://127.0.0.1/",
    "http://localhost:5432/",
    "http://0/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://[fc00::1]/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
]


@pytest.mark.parametrize("url", INSIDE)
def test_a_target_inside_is_refused_by_default(app, admin, monkeypatch, url):
    monkeypatch.setitem(app.config, SETTING, ())
    body = {"url": url, "event_types": ["*"], "secret": SECRET}
    response = admin.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422, response.get_json()
    assert "url" in response.get_json()["errors"]


def test_a_private_network_is_allowed_only_where_configured(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, SETTING, parse_networks("10.0.0.0/8, 169.254.0.0/16"))
    subscribe(admin, "https://10.20.30.40/hooks/crm")
    for url in ("https://192.168.1.1/hooks", "http://169.254.169.254/latest/meta-data/"):
        body = {"url": url, "event_types": ["*"], "secret": SECRET}
        assert admin.post("/api/v1/webhooks", json=body).status_code == 422


def test_the_address_is_checked_again_when_sent_and_open_ports_look_like_closed_ones(
    app, admin, deliver, receiver, monkeypatch
):
    open_port = subscribe(admin, receiver.url)
    closed_port = subscribe(admin, f"http://127.0.0.1:{free_port()}/hooks/crm")
    create_partner(admin)
    monkeypatch.setitem(app.config, SETTING, ())  # since changed
    assert deliver().failed == 2
    assert receiver.received == []
    ((logged_open,), (logged_closed,)) = (
        deliveries(admin, open_port),
        deliveries(admin, closed_port),
    )
    shown = ("status", "attempts", "last_status_code", "last_error")
    assert [logged_open[k] for k in shown] == [logged_closed[k] for k in shown]
    assert "loopback" in logged_open["last_error"]


def test_the_name_is_sent_as_host_to_the_address_it_resolved_to(admin, deliver, receiver):
    subscribe(admin, f"http://localhost:{receiver.port}/hooks/crm")
    create_partner(admin)
    deliver()
    (received,) = receiver.received
    assert received.headers["Host"] == f"localhost:{receiver.port}"


# Slow receivers: one deadline per delivery, and nobody waits for another.


def test_a_receiver_that_trickles_is_cut_at_the_deadline(admin, deliver, receiver):
    webhook = subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.trickle_seconds = 0.25  # the whole answer would take about 12 seconds
    deliver(timeout_seconds=1)
    (logged,) = deliveries(admin, webhook)
    assert logged["status"] == "pending"
    assert logged["last_error"] == "No complete answer within 1 seconds"


def test_receivers_do_not_wait_for_each_other(admin, deliver):
    # Each receiver answers only once all have been reached: one after the other,
    # the first would wait past its deadline.
    everyone = threading.Barrier(3, timeout=5)
    with (
        Receiver(before_answer=everyone.wait) as first,
        Receiver(before_answer=everyone.wait) as second,
        Receiver(before_answer=everyone.wait) as third,
    ):
        webhooks = [subscribe(admin, r.url) for r in (first, second, third)]
        create_partner(admin)
        assert deliver(timeout_seconds=3).delivered == 3
    assert [deliveries(admin, w)[0]["status"] for w in webhooks] == ["delivered"] * 3


# The worker from the shell.


def test_the_cli_runs_one_pass(app, admin, receiver):
    subscribe(admin, receiver.url)
    create_partner(admin)
    result = app.test_cli_runner().invoke(args=["crm", "webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 delivered" in result.output and len(receiver.received) == 1


def test_the_cli_exits_non_zero_when_a_delivery_failed(app, admin, receiver):
    subscribe(admin, receiver.url)
    create_partner(admin)
    receiver.status = 500
    result = app.test_cli_runner().invoke(args=["crm", "webhooks", "deliver", "--once"])
    assert result.exit_code == 1, result.output
    assert "1 failed" in result.output

"""Rate limits per API key or signed-in person, and of failed sign-ins per client address:
429 problem+json with Retry-After, counted in memory by default or in Redis, where several
server processes count together, and in the process while Redis is unreachable.

Only these tests use tiny limits; the rest of the suite runs under the default limit per
key, and without the limit of failed sign-ins (it sends many invalid keys on purpose, all
from one address)."""

import logging
import multiprocessing
import os
import socket
import uuid

import pytest
import redis
from flask import Flask

from crm.config import from_environment
from crm.errors import TooManyRequests
from crm.http import rate_limit
from crm.http.rate_limit import RateLimit

REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def redis_url() -> str:
    """A reachable Redis: skipped without one, except under CI=true, where it fails."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis is unreachable at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _limiting(app, monkeypatch, extension: str):
    def configure(limits: str, store: str = "memory://") -> RateLimit:
        limiter = RateLimit(limits, store)
        monkeypatch.setitem(app.extensions, extension, limiter)
        return limiter

    return configure


@pytest.fixture
def limit_to(app, monkeypatch):
    """`limit_to("3/minute")`: the test app counts with this limit (in memory, or `store`)."""
    return _limiting(app, monkeypatch, "crm.rate_limit")


@pytest.fixture
def limit_failures_to(app, monkeypatch):
    """`limit_failures_to("3/minute")`: failed sign-ins per address, as `limit_to`."""
    return _limiting(app, monkeypatch, "crm.auth_failure_limit")


def _guess(client, address: str = "192.0.2.1", key: str = "crm_guessed"):
    return client.get(
        "/api/v1/partners",
        headers={"Authorization": f"Bearer {key}"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_requests_beyond_the_limit_get_429(limit_to, viewer):
    limit_to("2/minute")
    statuses = [viewer.get("/api/v1/partners").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_429_is_problem_json_with_retry_after(limit_to, viewer):
    limit_to("1/minute")
    viewer.get("/api/v1/partners")
    response = viewer.get("/api/v1/partners")
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == "urn:crm:problem:rate-limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_each_key_has_its_own_count(limit_to, viewer, client):
    limit_to("1/minute")
    viewer.get("/api/v1/partners")
    assert client.get("/api/v1/partners").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/docs", "/api/v1/openapi.json"])
def test_health_docs_and_spec_are_not_limited(limit_to, viewer, path):
    limit_to("1/minute")
    viewer.get("/api/v1/partners")
    assert [viewer.get(path).status_code for _ in range(3)] == [200, 200, 200]


def test_limits_can_be_combined(limit_to, viewer):
    limit_to("100/minute;2/hour")
    statuses = [viewer.get("/api/v1/partners").status_code for _ in range(3)]
    assert statuses[-1] == 429


def test_api_counts_in_redis(limit_to, viewer, redis_url):
    limit_to("1/minute", redis_url)
    viewer.get("/api/v1/partners")
    assert viewer.get("/api/v1/partners").status_code == 429


def count_once(limits: str, store: str, identity: str) -> None:
    """Another server process: counts one request of `identity` in the shared store."""
    RateLimit(limits, store).count(identity)


def test_processes_sharing_redis_count_together(redis_url):
    identity = f"key:{uuid.uuid4()}"
    here = RateLimit("3/minute", redis_url)
    here.count(identity)
    # Forked, so that the other process starts without importing the app again.
    for _ in range(2):
        other = multiprocessing.get_context("fork").Process(
            target=count_once, args=("3/minute", redis_url, identity)
        )
        other.start()
        other.join(timeout=10)
        assert other.exitcode == 0
    with pytest.raises(TooManyRequests):
        here.count(identity)


def test_with_the_store_unreachable_the_process_counts(closed_port, caplog):
    limiter = RateLimit("2/minute", f"redis://127.0.0.1:{closed_port}")
    with caplog.at_level(logging.WARNING, logger="crm.http.rate_limit"):
        limiter.count("key:x")
        limiter.count("key:x")
        with pytest.raises(TooManyRequests) as refused:
            limiter.count("key:x")
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "rate-limit store unreachable; counting in this process"
    ]


def test_the_api_limits_with_the_store_unreachable(limit_to, viewer, closed_port):
    limit_to("1/minute", f"redis://127.0.0.1:{closed_port}")
    assert [viewer.get("/api/v1/partners").status_code for _ in range(2)] == [200, 429]


def test_failed_sign_ins_are_limited_per_address(limit_failures_to, anonymous):
    limit_failures_to("3/minute")
    statuses = [_guess(anonymous).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = _guess(anonymous)
    assert refused.json["type"] == "urn:crm:problem:rate-limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_a_limited_address_is_refused_before_its_key_is_looked_at(
    limit_failures_to, anonymous, viewer
):
    limit_failures_to("2/minute")
    for _ in range(2):
        _guess(anonymous)
    assert _guess(anonymous, key=viewer.key).status_code == 429
    assert _guess(anonymous, address="192.0.2.2", key=viewer.key).status_code == 200


def test_valid_keys_and_missing_ones_are_no_failed_sign_ins(limit_failures_to, anonymous, viewer):
    limit_failures_to("1/minute")
    assert [_guess(anonymous, key=viewer.key).status_code for _ in range(3)] == [200] * 3
    missing = [anonymous.get("/api/v1/partners").status_code for _ in range(3)]
    assert missing == [401] * 3


def test_by_default_a_key_guessing_loop_is_stopped(limit_failures_to, anonymous, tmp_path):
    limit_failures_to(from_environment(tmp_path)["CRM_AUTH_FAILURE_LIMIT"])
    statuses = [_guess(anonymous, key=f"crm_{n}").status_code for n in range(650)]
    assert statuses.count(401) <= 10
    assert set(statuses[10:]) == {429}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(app, anonymous, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back afterwards
    for extension in ("crm.rate_limit", "crm.auth_failure_limit"):
        monkeypatch.setitem(app.extensions, extension, app.extensions[extension])
    monkeypatch.setitem(app.config, "CRM_TRUSTED_PROXIES", 1)
    monkeypatch.setitem(app.config, "CRM_AUTH_FAILURE_LIMIT", "1/minute")
    rate_limit.configure_limits(app)

    def guess(client: str) -> int:
        forwarded = {"X-Forwarded-For": client, "Authorization": "Bearer crm_guessed"}
        proxy = {"REMOTE_ADDR": "10.0.0.1"}
        return anonymous.get("/api/v1/partners", headers=forwarded, environ_base=proxy).status_code

    assert [guess("192.0.2.7"), guess("192.0.2.7"), guess("192.0.2.8")] == [401, 429, 401]


def test_failed_sign_ins_are_counted_with_the_store_unreachable(
    limit_failures_to, anonymous, closed_port
):
    limit_failures_to("1/minute", f"redis://127.0.0.1:{closed_port}")
    assert [_guess(anonymous).status_code for _ in range(2)] == [401, 429]


def test_an_empty_limit_turns_limiting_off():
    app = Flask(__name__)
    app.config.update(
        CRM_RATE_LIMIT="", CRM_AUTH_FAILURE_LIMIT="", CRM_RATE_LIMIT_STORAGE_URL="memory://"
    )
    rate_limit.configure_limits(app)
    assert app.extensions["crm.rate_limit"] is None
    assert app.extensions["crm.auth_failure_limit"] is None

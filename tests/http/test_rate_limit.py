"""Rate limits per API key or signed-in person: 429 problem+json with Retry-After, counted
in memory by default or in Redis, where several server processes count together.

Only these tests use tiny limits; the rest of the suite runs under the default."""

import logging
import multiprocessing
import os
import uuid

import pytest
import redis
from flask import Flask

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
def limit_to(app, monkeypatch):
    """`limit_to("3/minute")`: the test app counts with this limit (in memory, or `store`)."""

    def configure(limits: str, store: str = "memory://") -> RateLimit:
        limiter = RateLimit(limits, store)
        monkeypatch.setitem(app.extensions, "crm.rate_limit", limiter)
        return limiter

    return configure


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


def test_an_unreachable_store_lets_requests_through(caplog):
    limiter = RateLimit("1/minute", "redis://127.0.0.1:1")
    with caplog.at_level(logging.WARNING, logger="crm.rate_limit"):
        limiter.count("key:x")
        limiter.count("key:x")
    assert "rate-limit store unreachable" in caplog.text


def test_an_empty_limit_turns_limiting_off():
    app = Flask(__name__)
    app.config.update(CRM_RATE_LIMIT="", CRM_RATE_LIMIT_STORAGE_URL="memory://")
    rate_limit.init_app(app)
    assert app.extensions["crm.rate_limit"] is None

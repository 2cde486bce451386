"""Requests per API key or signed-in person, and failed sign-ins per client address,
counted in a moving window.

Requests are counted where they have been authenticated (crm.http.auth), so only `/api/v1/*`
resources count; health checks, Swagger UI and the spec never do. A request whose key or
token is invalid counts against its client address instead, under a stricter limit of
its own (`CRM_AUTH_FAILURE_LIMIT`): past it, the address gets 429 before its credentials
are even looked at, so that a loop guessing keys learns nothing more until the window
has passed.

The counts live in memory by default, or in a shared store
(`CRM_RATE_LIMIT_STORAGE_URL=redis://...`) so that several server processes count
together. While the shared store is unreachable each process counts on its own, in
memory, and asks the store again after `RETRY_STORE_AFTER` seconds: the limits hold,
only less exactly, rather than not at all.

Every answer to an authenticated request says how much is left, in the IETF fields
(draft-ietf-httpapi-ratelimit-headers-11): `RateLimit-Policy: "600 per 1 minute";q=600;w=60`
names each limit with its quota `q` and window `w` in seconds, and `RateLimit:
"600 per 1 minute";r=598;t=60` what remains `r` of it and when the window resets, `t`
seconds from now. A client slows down before it meets a 429.
"""

import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from crm.errors import TooManyRequests

log = logging.getLogger("crm.http.rate_limit")
T = TypeVar("T")

RETRY_STORE_AFTER = 30.0  # seconds

# The fields as the contract documents them, on every answer to an authenticated request.
DOCUMENTED_FIELDS = {
    "RateLimit-Policy": {
        "description": "The limits of your key or person (IETF draft-ietf-httpapi-"
        "ratelimit-headers): each a name with its quota `q` and window `w` in seconds. "
        "Absent when limiting is off.",
        "schema": {"type": "string", "example": '"600 per 1 minute";q=600;w=60'},
    },
    "RateLimit": {
        "description": "What remains of each limit (`r`) and in how many seconds its "
        "window resets (`t`). Absent when limiting is off.",
        "schema": {"type": "string", "example": '"600 per 1 minute";r=598;t=60'},
    },
}


class RateLimit:
    def __init__(self, limits: str, storage_url: str):
        self.items = parse_many(limits)
        storage = storage_from_string(storage_url, wrap_exceptions=True)
        self.limiter = MovingWindowRateLimiter(storage)
        self.in_process = MovingWindowRateLimiter(MemoryStorage())
        self.store_down_until: float | None = None

    def count(self, identity: str) -> None:
        """One request by `identity`; 429 with `Retry-After` beyond the limit."""
        for item in self.items:
            if not self._ask(lambda limiter, item=item: limiter.hit(item, identity)):
                self._refuse(item, identity)

    def check(self, identity: str) -> None:
        """429 with `Retry-After` while `identity` is at its limit; counts nothing."""
        for item in self.items:
            if not self._ask(lambda limiter, item=item: limiter.test(item, identity)):
                self._refuse(item, identity)

    def _refuse(self, item: RateLimitItem, identity: str) -> None:
        stats = self._ask(lambda limiter: limiter.get_window_stats(item, identity))
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise TooManyRequests(
            f"More requests than the limit ({item}) allows; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )

    def _ask(self, question: Callable[[MovingWindowRateLimiter], T]) -> T:
        """The shared store's answer, or this process's while the store is unreachable."""
        down_until = self.store_down_until
        if down_until is None or time.monotonic() >= down_until:
            try:
                answer = question(self.limiter)
            except StorageError:
                if down_until is None:
                    log.warning("rate-limit store unreachable; counting in this process")
                self.store_down_until = time.monotonic() + RETRY_STORE_AFTER
            else:
                if down_until is not None:
                    log.info("rate-limit store reachable again")
                    self.store_down_until = None
                return answer
        return question(self.in_process)

    def fields(self, identity: str) -> dict[str, str]:
        """`RateLimit-Policy` and `RateLimit` for `identity`; none if the store is away."""
        try:
            stats = [self.limiter.get_window_stats(item, identity) for item in self.items]
        except StorageError:
            return {}
        now = time.time()
        return {
            "RateLimit-Policy": ", ".join(
                f'"{item}";q={item.amount};w={item.get_expiry()}' for item in self.items
            ),
            "RateLimit": ", ".join(
                f'"{item}";r={window.remaining};t={max(0, math.ceil(window.reset_time - now))}'
                for item, window in zip(self.items, stats, strict=True)
            ),
        }


def init_app(app: Flask) -> None:
    configure_limits(app)
    app.after_request(add_rate_limit_fields)


def configure_limits(app: Flask) -> None:
    """The limits and the trusted proxies as the app's configuration says."""
    # Behind reverse proxies the client address is the one the nearest of them were told
    # (X-Forwarded-For); otherwise every client would count as the proxy.
    proxies = app.config.get("CRM_TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=0, x_host=0, x_prefix=0)
    store = app.config["CRM_RATE_LIMIT_STORAGE_URL"]
    for extension, setting in (
        ("crm.rate_limit", "CRM_RATE_LIMIT"),
        ("crm.auth_failure_limit", "CRM_AUTH_FAILURE_LIMIT"),
    ):
        limits = app.config.get(setting, "").strip()
        app.extensions[extension] = RateLimit(limits, store) if limits else None


def count_request(identity: str) -> None:
    rate_limit = current_app.extensions.get("crm.rate_limit")
    if rate_limit is not None:
        try:
            rate_limit.count(identity)
        finally:
            g.rate_limit_fields = rate_limit.fields(identity)


def add_rate_limit_fields(response: Response) -> Response:
    """The fields `count_request` computed, on the answer to the request it counted."""
    response.headers.update(g.get("rate_limit_fields", {}))
    return response


def _client_address() -> str:
    return f"address:{request.remote_addr}"


def refuse_address_after_failed_sign_ins() -> None:
    """429 while this client's address is past its limit of failed sign-ins."""
    limit = current_app.extensions.get("crm.auth_failure_limit")
    if limit is not None:
        limit.check(_client_address())


def count_failed_sign_in() -> None:
    limit = current_app.extensions.get("crm.auth_failure_limit")
    if limit is not None:
        limit.count(_client_address())

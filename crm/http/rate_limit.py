"""Requests per API key or signed-in person, counted in a moving window.

Counted where a request has been authenticated (crm.http.auth), so only `/api/v1/*`
resources count; health checks, Swagger UI and the spec never do. The counts live in
memory by default, or in a shared store (`CRM_RATE_LIMIT_STORAGE_URL=redis://...`) so
that several server processes count together.
"""

import logging
import math
import time

from flask import Flask, current_app
from limits import parse_many
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from crm.errors import TooManyRequests

log = logging.getLogger("crm.rate_limit")


class RateLimit:
    def __init__(self, limits: str, storage_url: str):
        self.items = parse_many(limits)
        storage = storage_from_string(storage_url, wrap_exceptions=True)
        self.limiter = MovingWindowRateLimiter(storage)

    def count(self, identity: str) -> None:
        """One request by `identity`; 429 with `Retry-After` beyond the limit."""
        try:
            for item in self.items:
                if not self.limiter.hit(item, identity):
                    reset_at = self.limiter.get_window_stats(item, identity).reset_time
                    retry_after = max(1, math.ceil(reset_at - time.time()))
                    raise TooManyRequests(
                        f"More requests than the limit ({item}) allows; "
                        f"try again in {retry_after} s.",
                        headers={"Retry-After": str(retry_after)},
                    )
        except StorageError:
            # An unreachable store must not take the API down with it: count nothing.
            log.warning("rate-limit store unreachable; request not counted")


def init_app(app: Flask) -> None:
    limits = app.config.get("CRM_RATE_LIMIT", "").strip()
    app.extensions["crm.rate_limit"] = (
        RateLimit(limits, app.config["CRM_RATE_LIMIT_STORAGE_URL"]) if limits else None
    )


def count_request(identity: str) -> None:
    rate_limit = current_app.extensions.get("crm.rate_limit")
    if rate_limit is not None:
        rate_limit.count(identity)

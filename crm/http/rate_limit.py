"""Requests per API key or signed-in person, counted in a moving window.

Counted where a request has been authenticated (crm.http.auth), so only `/api/v1/*`
resources count; health checks, Swagger UI and the spec never do. The counts live in
memory by default, or in a shared store (`CRM_RATE_LIMIT_STORAGE_URL=redis://...`) so
that several server processes count together.

Every answer to an authenticated request says how much is left, in the IETF fields
(draft-ietf-httpapi-ratelimit-headers-11): `RateLimit-Policy: "600 per 1 minute";q=600;w=60`
names each limit with its quota `q` and window `w` in seconds, and `RateLimit:
"600 per 1 minute";r=598;t=60` what remains `r` of it and when the window resets, `t`
seconds from now. A client slows down before it meets a 429.
"""

import logging
import math
import time

from flask import Flask, Response, current_app, g
from limits import parse_many
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from crm.errors import TooManyRequests

log = logging.getLogger("crm.rate_limit")

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
    limits = app.config.get("CRM_RATE_LIMIT", "").strip()
    app.extensions["crm.rate_limit"] = (
        RateLimit(limits, app.config["CRM_RATE_LIMIT_STORAGE_URL"]) if limits else None
    )
    app.after_request(add_rate_limit_fields)


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

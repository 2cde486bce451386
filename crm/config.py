"""Configuration, read from environment variables only."""

import os
from pathlib import Path

from crm.changes.webhook_targets import parse_networks
from crm.privacy import settings as privacy
from crm.reports import settings as exports


def database_url(instance_path: str | Path) -> str:
    """The database to use: `DATABASE_URL`, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Accept the plain scheme that hosting platforms hand out.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{Path(instance_path) / 'crm.sqlite3'}"


def from_environment(instance_path: str | Path) -> dict:
    return {
        "DATABASE_URL": database_url(instance_path),
        "MAX_CONTENT_LENGTH": int(os.environ.get("CRM_MAX_BODY_BYTES", 1024 * 1024)),
        # Files to import are larger than JSON bodies; only upload endpoints accept them.
        "CRM_MAX_UPLOAD_BYTES": int(os.environ.get("CRM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # The list engine shares one statement per shape of list request (crm.http.listing).
        "CRM_SHARE_STATEMENTS": os.environ.get("CRM_SHARE_STATEMENTS", "true").lower() != "false",
        "CRM_MUNICIPALITY_NAME": os.environ.get("CRM_MUNICIPALITY_NAME", "Musterkreis"),
        **exports.from_environment(instance_path),
        **privacy.from_environment(),
        **_sign_in_and_rate_limits(),
        **_webhooks(),
        **_queue(instance_path),
    }


# The periodic work `flask crm worker` does, and when (cron: minute hour day month
# weekday, in the server's local time; `off` for never).
SCHEDULES = {
    "CRM_SCHEDULE_EXPORTS": "*/5 * * * *",
    "CRM_SCHEDULE_NETWORK_REFRESH": "*/5 * * * *",
    "CRM_SCHEDULE_WEBHOOKS": "* * * * *",
    "CRM_SCHEDULE_RETENTION": "30 2 * * *",
    "CRM_SCHEDULE_IDEMPOTENCY_PURGE": "0 * * * *",
}


def _queue(instance_path: str | Path) -> dict:
    """The task queue's store (a SQLite file of its own, or Redis), the worker's threads,
    and the schedules of the periodic work."""
    default_url = f"sqlite:///{Path(instance_path) / 'queue.sqlite3'}"
    return {
        "CRM_QUEUE_URL": os.environ.get("CRM_QUEUE_URL", default_url),
        # Several installations on one Redis: a name each.
        "CRM_QUEUE_NAME": os.environ.get("CRM_QUEUE_NAME", "crm"),
        "CRM_QUEUE_WORKERS": int(os.environ.get("CRM_QUEUE_WORKERS", "2")),
        **{name: os.environ.get(name, default) for name, default in SCHEDULES.items()},
    }


def _webhooks() -> dict:
    """Where the delivery worker may send (besides public addresses), and how long one
    delivery may take in all."""
    return {
        "CRM_WEBHOOK_ALLOWED_NETWORKS": parse_networks(
            os.environ.get("CRM_WEBHOOK_ALLOWED_NETWORKS", "")
        ),
        "CRM_WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("CRM_WEBHOOK_TIMEOUT_SECONDS", "10")),
    }


def _sign_in_and_rate_limits() -> dict:
    """OpenID Connect sign-in (off while no issuer is set) and the rate limit per key or user."""
    return {
        "CRM_OIDC_ISSUER": os.environ.get("CRM_OIDC_ISSUER", ""),
        "CRM_OIDC_AUDIENCE": os.environ.get("CRM_OIDC_AUDIENCE", ""),
        "CRM_OIDC_JWKS_URL": os.environ.get("CRM_OIDC_JWKS_URL", ""),
        "CRM_OIDC_ROLES_CLAIM": os.environ.get("CRM_OIDC_ROLES_CLAIM", "realm_access.roles"),
        "CRM_OIDC_ROLE_PREFIX": os.environ.get("CRM_OIDC_ROLE_PREFIX", ""),
        "CRM_RATE_LIMIT": os.environ.get("CRM_RATE_LIMIT", "600/minute"),
        "CRM_RATE_LIMIT_STORAGE_URL": os.environ.get("CRM_RATE_LIMIT_STORAGE_URL", "memory://"),
        # Requests with an invalid key or token, per client address: stricter than the above.
        "CRM_AUTH_FAILURE_LIMIT": os.environ.get("CRM_AUTH_FAILURE_LIMIT", "10/minute"),
        "CRM_TRUSTED_PROXIES": int(os.environ.get("CRM_TRUSTED_PROXIES", 0)),
    }

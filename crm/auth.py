"""API keys: creation, lookup by hash, and the role check in front of every API request."""

import hashlib
import secrets

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.database import db
from crm.errors import Forbidden, Unauthorized
from crm.models import ApiKey
from crm.models.base import utcnow
from crm.models.enums import ApiRole

KEY_PREFIX = "crm_"


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough, a slow one would only cost latency.
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, name: str, role: ApiRole) -> tuple[ApiKey, str]:
    """Store a new key and return it with its plain text, which is never stored."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(name=name, role=role, prefix=plain[:12], key_hash=hash_key(plain))
    session.add(api_key)
    session.flush()
    return api_key, plain


def revoke_api_key(api_key: ApiKey) -> None:
    api_key.revoked_at = utcnow()


def authorize(needed: ApiRole) -> None:
    """Before each API request: a valid key, with a role that may do what is asked."""
    api_key = _key_from_header()
    g.actor = api_key.name
    if api_key.role.rank < needed.rank:
        raise Forbidden(f"This needs the role '{needed}'; the key has '{api_key.role}'.")


def _key_from_header() -> ApiKey:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(token.strip())))
    if api_key is None or api_key.revoked_at is not None:
        raise Unauthorized("The API key is unknown or revoked.")
    return api_key

"""Who is calling: API keys and staff signed in through OpenID Connect (crm.http.oidc).

Both arrive as `Authorization: Bearer ...`. `authorize` runs before every API request:
it finds the caller, counts the request against the caller's rate limit, and checks the
role; an invalid key or token counts against the client address's limit of failed
sign-ins (crm.http.rate_limit). `g.actor` names the caller in logs and in the audit trail.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request
from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from crm.database import db, run
from crm.errors import Forbidden, InvalidToken, Unauthorized
from crm.http.oidc import OidcVerifier
from crm.http.rate_limit import (
    count_failed_sign_in,
    count_request,
    refuse_address_after_failed_sign_ins,
)
from crm.models import ApiKey
from crm.models.base import utcnow
from crm.models.enums import ActorKind, ApiRole

KEY_PREFIX = "crm_"
# `last_used_at` is for spotting keys nobody uses; minutes are precise enough, and an
# UPDATE on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# Runs before every request: built once, and columns rather than an ORM object.
KEY_BY_HASH = select(
    ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.revoked_at, ApiKey.expires_at, ApiKey.last_used_at
).where(ApiKey.key_hash == bindparam("key_hash"))


@dataclass(frozen=True)
class Caller:
    actor: str  # the key's name, or the person's user name
    kind: ActorKind
    role: ApiRole
    identity: str  # stable, for rate limits: "key:<id>", "user:<subject>"


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a fast hash is enough, a slow one would only cost latency.
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    session: Session, name: str, role: ApiRole, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its plain text, which is never stored."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        name=name, role=role, prefix=plain[:12], key_hash=hash_key(plain), expires_at=expires_at
    )
    session.add(api_key)
    session.flush()
    return api_key, plain


def revoke_api_key(api_key: ApiKey) -> None:
    api_key.revoked_at = utcnow()


def authorize(needed: ApiRole) -> None:
    """Before each API request: a valid key or token, with a role that may do what is asked."""
    refuse_address_after_failed_sign_ins()
    try:
        caller = _caller()
    except InvalidToken:
        count_failed_sign_in()
        raise
    g.actor, g.actor_kind = caller.actor, caller.kind
    count_request(caller.identity)
    if caller.role.rank < needed.rank:
        raise Forbidden(f"This needs the role '{needed}'; you have '{caller.role}'.")


def _caller() -> Caller:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send an API key or access token as 'Authorization: Bearer ...'.")
    oidc = current_app.extensions.get("crm.oidc")
    if oidc is not None and token.count(".") == 2:
        return _signed_in_person(oidc, token)
    return _key_holder(token)


def _key_holder(token: str) -> Caller:
    api_key = run(KEY_BY_HASH, key_hash=hash_key(token)).first()
    if api_key is None or api_key.revoked_at is not None:
        raise InvalidToken("The API key is unknown or revoked.")
    now = utcnow()
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise InvalidToken("The API key has expired.")
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        _note_use(api_key, now)
    return Caller(api_key.name, ActorKind.api_key, api_key.role, f"key:{api_key.id}")


def _note_use(api_key: Row, now: datetime) -> None:
    # Committed at once: a read-only request never commits, and the note must stay.
    # `updated_at` keeps its value: using a key does not change it.
    db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == api_key.id)
        .values(last_used_at=now, updated_at=ApiKey.updated_at)
    )
    db.session.commit()


def _signed_in_person(oidc: OidcVerifier, token: str) -> Caller:
    claims = oidc.claims(token)
    role = oidc.role(claims)
    if role is None:
        raise Forbidden("Your account has no role in this application; ask an administrator.")
    name = claims.get("preferred_username") or claims["sub"]
    return Caller(str(name), ActorKind.user, role, f"user:{claims['sub']}")

"""Staff sign-in: OpenID Connect access tokens from the municipality's identity provider.

A token is a JWT signed by the provider (usually Keycloak). It is accepted only when it
is signed with an asymmetric algorithm by a key from the issuer's JWKS document, and its
`iss`, `aud`, `exp` and `nbf` hold. Roles come from a configurable claim such as
Keycloak's `realm_access.roles` or `resource_access.<client>.roles`.

The issuer is compared exactly as the provider's discovery document states it: Auth0's
and Entra ID v1's end in `/`, Keycloak's do not, and a token's `iss` is that string.
"""

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from flask import Flask

from crm.errors import InvalidToken, ServiceUnavailable
from crm.models.enums import ApiRole

# Only public-key signatures: a symmetric algorithm would let anyone who knows the
# (public) verification key sign tokens, and "none" would need no key at all.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
CLOCK_SKEW_SECONDS = 30
KEYS_MAX_AGE_SECONDS = 300
# A token with an unknown `kid` may mean the provider rotated its keys; look again, but
# not more often than this, so that made-up kids cannot make us hammer the provider.
UNKNOWN_KID_REFETCH_SECONDS = 30
FETCH_TIMEOUT_SECONDS = 5
MAX_DOCUMENT_BYTES = 1024 * 1024
# What a 503 for an unreachable provider tells the client to wait before trying again.
PROVIDER_RETRY_AFTER_SECONDS = 30


def provider_unavailable(detail: str) -> ServiceUnavailable:
    return ServiceUnavailable(detail, headers={"Retry-After": str(PROVIDER_RETRY_AFTER_SECONDS)})


def fetch_json(url: str) -> dict[str, Any]:
    """A JSON document from the identity provider; 503 when it cannot be had."""
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
            document = json.loads(response.read(MAX_DOCUMENT_BYTES))
    except (OSError, ValueError) as error:
        raise provider_unavailable(
            "The identity provider's signing keys cannot be fetched; try again later."
        ) from error
    if not isinstance(document, dict):
        raise provider_unavailable("The identity provider sent no JSON object.")
    return document


class KeySet:
    """The issuer's public keys by `kid`, fetched when first needed and kept for a while."""

    def __init__(self, jwks_url: Callable[[], str], fetch: Callable[[str], dict] = fetch_json):
        self._jwks_url = jwks_url
        self._fetch = fetch
        self._keys: dict[str, dict] = {}
        self._fetched_at = -float("inf")
        self._lock = threading.Lock()

    def key(self, kid: str) -> dict:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if age > KEYS_MAX_AGE_SECONDS or (
                kid not in self._keys and age > UNKNOWN_KID_REFETCH_SECONDS
            ):
                self._refresh()
        if kid not in self._keys:
            raise InvalidToken(f"The token was signed with an unknown key ('kid' {kid!r}).")
        return self._keys[kid]

    def _refresh(self) -> None:
        keys = self._fetch(self._jwks_url()).get("keys")
        if not isinstance(keys, list):
            raise provider_unavailable("The identity provider's JWKS document has no 'keys'.")
        self._keys = {
            key["kid"]: key
            for key in keys
            if isinstance(key, dict) and key.get("kid") and key.get("use", "sig") == "sig"
        }
        self._fetched_at = time.monotonic()


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    audience: str
    jwks_url: str = ""
    roles_claims: tuple[str, ...] = ("realm_access.roles",)
    role_prefix: str = ""

    @classmethod
    def from_config(cls, config: dict) -> "OidcSettings | None":
        if not config.get("CRM_OIDC_ISSUER"):
            return None
        return cls(
            issuer=config["CRM_OIDC_ISSUER"],
            audience=config["CRM_OIDC_AUDIENCE"],
            jwks_url=config.get("CRM_OIDC_JWKS_URL", ""),
            roles_claims=tuple(
                claim.strip()
                for claim in config.get("CRM_OIDC_ROLES_CLAIM", "realm_access.roles").split(",")
                if claim.strip()
            ),
            role_prefix=config.get("CRM_OIDC_ROLE_PREFIX", ""),
        )


class OidcVerifier:
    def __init__(self, settings: OidcSettings, fetch: Callable[[str], dict] = fetch_json):
        if not settings.audience:
            raise ValueError("CRM_OIDC_AUDIENCE is required with CRM_OIDC_ISSUER.")
        self.settings = settings
        self._fetch = fetch
        self._discovered_jwks_url = ""
        self.keys = KeySet(self._jwks_url, fetch)

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims once its signature and its `iss`, `aud`, `exp`, `nbf` hold."""
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm not in ASYMMETRIC_ALGORITHMS:
                raise InvalidToken(f"Tokens signed with {algorithm!r} are not accepted.")
            jwk = self.keys.key(str(header.get("kid")))
            if jwk.get("alg", algorithm) != algorithm:
                raise InvalidToken("The token's algorithm does not match its key.")
            return jwt.decode(
                token,
                jwt.PyJWK(jwk, algorithm),
                algorithms=[algorithm],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"The access token is not valid: {error}") from error

    def role(self, claims: dict[str, Any]) -> ApiRole | None:
        """The highest API role the token's roles grant (`<prefix>editor`, ...), if any."""
        granted = set()
        for path in self.settings.roles_claims:
            value = _claim(claims, path)
            if isinstance(value, list):
                granted.update(str(role) for role in value)
        for role in reversed(ApiRole):
            if self.settings.role_prefix + role.value in granted:
                return role
        return None

    def _jwks_url(self) -> str:
        if self.settings.jwks_url:
            return self.settings.jwks_url
        if not self._discovered_jwks_url:
            # OpenID Connect Discovery 1.0, 4: a terminating `/` goes before appending.
            discovery = self._fetch(
                self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            )
            if discovery.get("issuer") != self.settings.issuer:
                raise provider_unavailable("The identity provider names another issuer.")
            self._discovered_jwks_url = str(discovery.get("jwks_uri", ""))
        return self._discovered_jwks_url


def _claim(claims: dict[str, Any], path: str) -> Any:
    """`realm_access.roles` -> claims["realm_access"]["roles"], or None."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def init_app(app: Flask) -> None:
    settings = OidcSettings.from_config(app.config)
    app.extensions["crm.oidc"] = OidcVerifier(settings) if settings else None

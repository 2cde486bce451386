"""Benchmark: what sign-in, rate limiting and the audit trail add to a request.

    .venv/bin/python -m bench.auth_and_audit [--requests 300] [--redis redis://127.0.0.1:6379/0]

Against a scratch SQLite database, times the median request of a cheap read
(`GET /api/v1/enumerations`) with an API key and with an OpenID Connect token (keys
cached), with the rate limit counted in memory and, given `--redis`, in Redis; and a
partner PATCH with and without its audit event. Exits 1 when a token costs 2 ms or more
over a key, or the audit event 5 ms or more over the write without it.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from crm import create_app, schema
from crm.database import db
from crm.http.auth import create_api_key
from crm.http.oidc import OidcSettings, OidcVerifier
from crm.http.rate_limit import RateLimit
from crm.models import Partner
from crm.models.enums import ApiRole, Sector
from crm.records import audit

TOKEN_TARGET_MS = 2.0
AUDIT_TARGET_MS = 5.0
ISSUER = "https://login.example.org/realms/bench"


def medians_ms(requests: int, **variants) -> dict[str, float]:
    """The median time of each variant, run in turns so that a busy machine slows all
    of them alike; after a warm-up round."""
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for n in range(requests + 1):
        for name, send in variants.items():
            started = time.perf_counter()
            send(n)
            if n:
                timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def signed_token(private_key) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "crm", "sub": "bench", "exp": now + 3600, "iat": now}
    claims["realm_access"] = {"roles": ["admin"]}
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": "k1"})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--redis", help="e.g. redis://127.0.0.1:6379/0")
    options = parser.parse_args()

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url, "CRM_RATE_LIMIT": "1000000/minute"})
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = {"keys": [json.loads(RSAAlgorithm.to_jwk(private_key.public_key())) | {"kid": "k1"}]}
    settings = OidcSettings(issuer=ISSUER, audience="crm", jwks_url="https://idp/certs")
    app.extensions["crm.oidc"] = OidcVerifier(settings, fetch=lambda _url: jwks)
    with app.app_context():
        _, key = create_api_key(db.session, "bench", ApiRole.admin)
        partner = Partner(name="Bench e.V.", kind="chamber", sector=Sector.external)
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    client = app.test_client()

    def read(credential: str):
        headers = {"Authorization": f"Bearer {credential}"}
        return lambda _n: client.get("/api/v1/enumerations", headers=headers)

    def write(n: int) -> None:
        response = client.patch(
            f"/api/v1/partners/{partner_id}",
            json={"notes": f"Notiz {n}"},
            headers={"Authorization": f"Bearer {key}", "If-Match": "*"},
        )
        assert response.status_code == 200, response.json

    def write_unaudited(n: int) -> None:
        with mock.patch.object(audit, "_add_event"):
            write(n)

    reads = {
        "read, API key, limit in memory": read(key),
        "read, OIDC token, limit in memory": read(signed_token(private_key)),
    }
    figures = medians_ms(options.requests, **reads)
    if options.redis:
        app.extensions["crm.rate_limit"] = RateLimit("1000000/minute", options.redis)
        figures |= medians_ms(options.requests, **{"read, API key, limit in Redis": read(key)})
    figures |= medians_ms(
        options.requests,
        **{"write with its audit event": write, "write without an audit event": write_unaudited},
    )

    for name, milliseconds in figures.items():
        print(f"{name:40} {milliseconds:6.2f} ms (median of {options.requests})")
    token_cost = (
        figures["read, OIDC token, limit in memory"] - figures["read, API key, limit in memory"]
    )
    audit_cost = figures["write with its audit event"] - figures["write without an audit event"]
    print(f"token over key: {token_cost:.2f} ms; audit event: {audit_cost:.2f} ms")
    return 0 if token_cost < TOKEN_TARGET_MS and audit_cost < AUDIT_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())

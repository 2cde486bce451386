"""Staff sign-in with OpenID Connect access tokens, against an identity provider that the
tests run on a free loopback port: an RSA key pair, a discovery document and a JWKS."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from crm.http import oidc
from crm.http.oidc import OidcSettings, OidcVerifier

AUDIENCE = "crm-api"
KID = "signing-key-1"
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class IdentityProvider:
    """Serves `/realms/test/.well-known/openid-configuration` and the JWKS it names, and
    counts what it was asked for."""

    def __init__(self):
        self.requests: Counter[str] = Counter()
        self.keys = [jwk(PRIVATE_KEY, KID)]
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/realms/test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.requests[self.path] += 1
                documents = {
                    "/realms/test/.well-known/openid-configuration": {
                        "issuer": provider.issuer,
                        "jwks_uri": f"{provider.issuer}/protocol/openid-connect/certs",
                    },
                    "/realms/test/protocol/openid-connect/certs": {"keys": provider.keys},
                }
                body = json.dumps(documents.get(self.path, {})).encode()
                self.send_response(200 if self.path in documents else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    @property
    def jwks_fetches(self) -> int:
        return self.requests["/realms/test/protocol/openid-connect/certs"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def jwk(private_key, kid: str) -> dict:
    public = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return public | {"kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def provider():
    provider = IdentityProvider()
    yield provider
    provider.close()


@pytest.fixture
def sign_in(app, provider, monkeypatch):
    """Turns sign-in on for the test app: `sign_in(roles_claims=...)` returns the verifier."""
    provider.requests.clear()
    provider.keys = [jwk(PRIVATE_KEY, KID)]

    def configure(**settings) -> OidcVerifier:
        verifier = OidcVerifier(OidcSettings(issuer=provider.issuer, audience=AUDIENCE, **settings))
        monkeypatch.setitem(app.extensions, "crm.oidc", verifier)
        return verifier

    configure()
    return configure


@pytest.fixture
def token(provider):
    def make(claims: dict | None = None, *, key=PRIVATE_KEY, headers: dict | None = None):
        now = int(time.time())
        payload = {
            "iss": provider.issuer,
            "aud": AUDIENCE,
            "sub": "5b3c0d7e-7f2a-4c1e-9d8b-1a2b3c4d5e6f",
            "preferred_username": "k.yilmaz",
            "iat": now,
            "exp": now + 300,
            "realm_access": {"roles": ["editor"]},
        } | (claims or {})
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID} | (headers or {}))

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def unsigned(header: dict, payload: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}"


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_valid_token_is_accepted(sign_in, token, anonymous):
    assert anonymous.get("/api/v1/partners", headers=bearer(token())).status_code == 200


def test_realm_role_grants_writing(sign_in, token, anonymous):
    response = anonymous.post(
        "/api/v1/partners",
        json={"name": "Jobcenter Trier", "kind": "job_centre", "sector": "external"},
        headers=bearer(token({"realm_access": {"roles": ["offline_access", "editor"]}})),
    )
    assert response.status_code == 201


def test_realm_viewer_role_cannot_write(sign_in, token, anonymous):
    viewer_token = token({"realm_access": {"roles": ["viewer"]}})
    response = anonymous.post("/api/v1/partners", json={}, headers=bearer(viewer_token))
    assert response.status_code == 403


def test_client_role_from_resource_access(sign_in, token, anonymous):
    sign_in(roles_claims=("resource_access.crm-api.roles",))
    admin_token = token({"realm_access": {}, "resource_access": {"crm-api": {"roles": ["admin"]}}})
    response = anonymous.get("/api/v1/audit-events", headers=bearer(admin_token))
    assert response.status_code == 200


def test_role_prefix_is_stripped(sign_in, token, anonymous):
    sign_in(role_prefix="crm-")
    admin_token = token({"realm_access": {"roles": ["crm-admin"]}})
    response = anonymous.get("/api/v1/audit-events", headers=bearer(admin_token))
    assert response.status_code == 200


def test_token_without_a_role_is_forbidden(sign_in, token, anonymous):
    no_role = token({"realm_access": {"roles": ["offline_access"]}})
    assert anonymous.get("/api/v1/partners", headers=bearer(no_role)).status_code == 403


def test_the_person_is_the_actor_of_the_audit_event(sign_in, token, anonymous, admin):
    anonymous.post(
        "/api/v1/partners",
        json={"name": "KAUSA Servicestelle", "kind": "service_point", "sector": "external"},
        headers=bearer(token()),
    )
    event = admin.get("/api/v1/audit-events?resource_type=partner&page_size=1").json["data"][0]
    assert (event["actor"], event["actor_kind"]) == ("k.yilmaz", "user")


def _expired(token, _provider):
    return token({"exp": int(time.time()) - 120})


def _not_yet_valid(token, _provider):
    return token({"nbf": int(time.time()) + 600})


def _without_expiry(token, _provider):
    payload = claims_of(token())
    del payload["exp"]
    return jwt.encode(payload, PRIVATE_KEY, algorithm="RS256", headers={"kid": KID})


def _wrong_issuer(token, _provider):
    return token({"iss": "https://login.example.org/realms/other"})


def _wrong_audience(token, _provider):
    return token({"aud": "another-client"})


def _alg_none(token, _provider):
    return unsigned({"alg": "none", "typ": "JWT", "kid": KID}, claims_of(token())) + "."


def _hs256_signed_with_the_public_key(token, _provider):
    public_pem = PRIVATE_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": KID}, claims_of(token()))
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _unknown_kid(token, _provider):
    return token(headers={"kid": "no-such-key"})


def _signed_by_another_key(token, _provider):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return token(key=stranger)


def _tampered_payload(token, _provider):
    header, _, signature = token().split(".")
    raised = claims_of(token()) | {"realm_access": {"roles": ["admin"]}}
    payload = unsigned({}, raised).split(".")[1]
    return f"{header}.{payload}.{signature}"


def _garbage(_token, _provider):
    return "not.a.jwt"


@pytest.mark.parametrize(
    ("bad_token", "reason"),
    [
        (_expired, "expired"),
        (_not_yet_valid, "not yet valid"),
        (_without_expiry, '"exp"'),
        (_wrong_issuer, "issuer"),
        (_wrong_audience, "Audience"),
        (_alg_none, "'none'"),
        (_hs256_signed_with_the_public_key, "'HS256'"),
        (_unknown_kid, "unknown key"),
        (_signed_by_another_key, "Signature verification failed"),
        (_tampered_payload, "Signature verification failed"),
        (_garbage, "not valid"),
    ],
)
def test_bad_token_is_refused_with_401_problem(
    sign_in, token, provider, anonymous, bad_token, reason
):
    response = anonymous.get("/api/v1/partners", headers=bearer(bad_token(token, provider)))
    assert (response.status_code, response.mimetype) == (401, "application/problem+json")
    assert reason in response.json["detail"]
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="crm", error="invalid_token"'


def test_keys_are_fetched_once_and_cached(sign_in, token, provider, anonymous):
    for _ in range(2):
        assert anonymous.get("/api/v1/partners", headers=bearer(token())).status_code == 200
    assert provider.jwks_fetches == 1


def test_unknown_kid_does_not_refetch_at_once(sign_in, token, provider, anonymous):
    anonymous.get("/api/v1/partners", headers=bearer(token()))
    anonymous.get("/api/v1/partners", headers=bearer(token(headers={"kid": "made-up"})))
    assert provider.jwks_fetches == 1


def test_rotated_key_is_fetched_when_a_token_names_it(
    sign_in, token, provider, anonymous, monkeypatch
):
    anonymous.get("/api/v1/partners", headers=bearer(token()))
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider.keys.append(jwk(rotated, "signing-key-2"))
    monkeypatch.setattr(oidc, "UNKNOWN_KID_REFETCH_SECONDS", 0)
    new_token = token(key=rotated, headers={"kid": "signing-key-2"})
    assert anonymous.get("/api/v1/partners", headers=bearer(new_token)).status_code == 200


def test_unreachable_provider_is_a_503(app, token, anonymous, monkeypatch):
    settings = OidcSettings(issuer="http://127.0.0.1:9/realms/test", audience=AUDIENCE)
    monkeypatch.setitem(app.extensions, "crm.oidc", OidcVerifier(settings))
    response = anonymous.get("/api/v1/partners", headers=bearer(token()))
    assert (response.status_code, response.mimetype) == (503, "application/problem+json")
    assert int(response.headers["Retry-After"]) > 0


def test_api_keys_still_work_with_sign_in_on(sign_in, viewer):
    assert viewer.get("/api/v1/partners").status_code == 200


def test_a_token_is_refused_while_sign_in_is_off(token, anonymous):
    assert anonymous.get("/api/v1/partners", headers=bearer(token())).status_code == 401


def test_settings_come_from_the_configuration():
    settings = OidcSettings.from_config(
        {
            "CRM_OIDC_ISSUER": "https://login.example.org/realms/kreis/",
            "CRM_OIDC_AUDIENCE": "crm-api",
            "CRM_OIDC_ROLES_CLAIM": "realm_access.roles, resource_access.crm-api.roles",
        }
    )
    assert settings.issuer == "https://login.example.org/realms/kreis/"
    assert settings.roles_claims == ("realm_access.roles", "resource_access.crm-api.roles")


def test_sign_in_is_off_without_an_issuer():
    assert OidcSettings.from_config({"CRM_OIDC_ISSUER": ""}) is None


def test_an_issuer_without_an_audience_is_refused():
    with pytest.raises(ValueError, match="CRM_OIDC_AUDIENCE"):
        OidcVerifier(OidcSettings(issuer="https://login.example.org/realms/kreis", audience=""))

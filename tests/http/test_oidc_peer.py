"""Staff sign-in against a real OpenID provider (oidc-provider, certified by the OpenID
Foundation): its discovery document, its keys, its JWT access tokens by client
credentials, with an issuer with and without a trailing `/` (Auth0 and Entra ID v1 end
theirs in one, Keycloak does not). The issuer is compared exactly as the discovery
document states it."""

import time

import pytest

from crm.http import oidc
from crm.http.oidc import OidcSettings, OidcVerifier
from tests.http.openid_provider import AUDIENCE, openid_provider

CLIENTS = {
    "intranet-editor": {"roles": ["editor"]},
    "intranet-nobody": {"roles": ["offline_access"]},
    "intranet-brief": {"roles": ["editor"], "ttl": 1},
}


@pytest.fixture(scope="module", params=["", "/"], ids=["issuer-without-slash", "issuer-with-slash"])
def provider(request):
    with openid_provider(issuer_path=request.param, clients=CLIENTS) as provider:
        yield provider


@pytest.fixture
def signed_in(app, provider, monkeypatch):
    """The app with sign-in configured as an operator would: the issuer as the provider
    states it, through the configuration."""
    settings = OidcSettings.from_config(
        {"CRM_OIDC_ISSUER": provider.issuer, "CRM_OIDC_AUDIENCE": AUDIENCE}
    )
    monkeypatch.setitem(app.extensions, "crm.oidc", OidcVerifier(settings))
    return provider


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_of_the_provider_signs_in(signed_in, anonymous):
    token = signed_in.token("intranet-editor")
    response = anonymous.post(
        "/api/v1/partners",
        json={"name": "Jobcenter Aurich", "kind": "job_centre", "sector": "external"},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.json


def test_a_token_for_another_resource_is_refused(signed_in, anonymous):
    token = signed_in.token("intranet-editor", resource="https://elsewhere.example.org/")
    response = anonymous.get("/api/v1/partners", headers=bearer(token))
    assert response.status_code == 401
    assert "Audience" in response.json["detail"]


def test_an_expired_token_is_refused(signed_in, anonymous, monkeypatch):
    monkeypatch.setattr(oidc, "CLOCK_SKEW_SECONDS", 0)
    token = signed_in.token("intranet-brief")
    time.sleep(2.1)
    response = anonymous.get("/api/v1/partners", headers=bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json["detail"]


def test_a_token_without_a_role_is_forbidden(signed_in, anonymous):
    token = signed_in.token("intranet-nobody")
    assert anonymous.get("/api/v1/partners", headers=bearer(token)).status_code == 403


def test_the_issuer_is_kept_as_the_provider_states_it(provider):
    settings = OidcSettings.from_config(
        {"CRM_OIDC_ISSUER": provider.issuer, "CRM_OIDC_AUDIENCE": AUDIENCE}
    )
    assert settings.issuer == provider.issuer

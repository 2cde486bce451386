"""A real OpenID provider nobody here wrote: the certified `oidc-provider` under Node
(tests/peers, installed by `make peers`), started on a free loopback port, issuing JWT
access tokens by client credentials. Without Node the tests that need it are skipped,
except under CI=true, where that fails."""

import base64
import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.node_peers import PEERS, node_with

AUDIENCE = "https://crm.example.org/api"


@dataclass
class OpenIdProvider:
    issuer: str
    secrets: dict[str, str]

    def token(self, client_id: str, resource: str = AUDIENCE) -> str:
        """An access token for the client, by the client credentials grant."""
        credentials = f"{client_id}:{self.secrets[client_id]}".encode()
        request = urllib.request.Request(
            self.issuer.rstrip("/") + "/token",
            data=urllib.parse.urlencode(
                {"grant_type": "client_credentials", "resource": resource, "scope": "api"}
            ).encode(),
            headers={"Authorization": f"Basic {base64.b64encode(credentials).decode()}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["access_token"]


@contextmanager
def openid_provider(*, issuer_path: str, clients: dict[str, dict]) -> Iterator[OpenIdProvider]:
    """`clients`: {client_id: {"roles": [...], "ttl": seconds}}; the issuer is the port's
    root, ending in `issuer_path` ("" or "/")."""
    secrets = {client: f"secret-of-{client}-{os.urandom(8).hex()}" for client in clients}
    config = {
        "issuer_path": issuer_path,
        "clients": {c: {"secret": secrets[c], **settings} for c, settings in clients.items()},
    }
    process = subprocess.Popen(
        [node_with("oidc-provider"), str(PEERS / "oidc_provider.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        process.stdin.write(json.dumps(config))
        process.stdin.close()
        started = process.stdout.readline()
        if not started:
            pytest.fail("oidc-provider did not start", pytrace=False)
        yield OpenIdProvider(json.loads(started)["issuer"], secrets)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()

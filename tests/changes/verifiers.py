"""The Standard Webhooks reference verifiers, as receivers run them: the PyPI package in
this process, the npm package under Node (installed from tests/peers by `make peers`).
Each gets the secret and a request as it came over the wire, and says whether it is
genuine. Without Node or the npm package the Node check is skipped, and fails under
CI=true."""

import base64
import json
import subprocess

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.changes.receiver import Received
from tests.node_peers import PEERS, node_with


def verified_in_python(secret: str | bytes, received: Received) -> bool:
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


def verified_in_node(secret: str | bytes, received: Received) -> bool:
    node = node_with("standardwebhooks")
    if isinstance(secret, bytes):  # the reference libraries' form of a raw key
        secret = "whsec_" + base64.b64encode(secret).decode()
    request = {
        "secret": secret,
        "headers": received.headers,
        "body_base64": base64.b64encode(received.body).decode(),
    }
    answer = subprocess.run(
        [node, str(PEERS / "verify_webhook.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(answer.stdout)["verified"]


VERIFIERS = [verified_in_python, verified_in_node]

"""Signing secrets and signatures as the Standard Webhooks specification has them
(https://www.standardwebhooks.com), so that receivers can verify with its reference
libraries instead of code of their own.

A secret is `whsec_` and the base64 of 24 to 64 random bytes; those bytes are the HMAC
key. A delivery is signed over `<webhook-id>.<webhook-timestamp>.<body>`, so that a
captured body cannot be replayed under another id, and `webhook-signature` holds one
`v1,<base64 HMAC-SHA256>` per secret in force, separated by spaces: after a rotation the
previous secret signs too for `PREVIOUS_SECRET_GRACE`, and a receiver can switch to the
new one at any time in between.

Secrets chosen before (any 16 to 200 characters, used as they were) keep their bytes as
the key: stored as `whsec_` and the base64 of their UTF-8 bytes, so that receivers go on
verifying with the same key. See `raw_secret`.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

PREFIX = "whsec_"
KEY_BYTES = range(24, 65)
NEW_KEY_BYTES = 32
PREVIOUS_SECRET_GRACE = timedelta(hours=24)


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(NEW_KEY_BYTES)).decode()


def raw_secret(text: str) -> str:
    """A secret of the kind chosen before this scheme: its UTF-8 bytes are the key."""
    return PREFIX + base64.b64encode(text.encode()).decode()


def standard_secret(text: str) -> str:
    """The secret as stored: a `whsec_` secret as it is, once it is valid (ValueError if
    not); any other text as a raw secret."""
    if not text.startswith(PREFIX):
        return raw_secret(text)
    try:
        key = base64.b64decode(text.removeprefix(PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("After `whsec_` comes base64 (A-Z, a-z, 0-9, +, /, =).") from None
    if len(key) not in KEY_BYTES:
        raise ValueError(
            f"A `whsec_` secret holds {KEY_BYTES.start} to {KEY_BYTES.stop - 1} bytes "
            f"in base64; this one holds {len(key)}."
        )
    return text


def signature(secrets_in_force: Iterable[str], webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: `v1,<base64>` for each secret, space-separated."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.digest(_key(secret), signed, hashlib.sha256)).decode()
        for secret in secrets_in_force
    )


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))

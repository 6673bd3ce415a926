"""Webhook signatures, checked before a byte of the body is trusted (pure functions).

- HubSpot v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret, method + URI +
  body + `X-HubSpot-Request-Timestamp`)), the URI as HubSpot called it with the
  characters HubSpot decodes (`%3A` -> `:` ...) decoded; refused when the timestamp
  (milliseconds) is more than 5 minutes old.
- Standard Webhooks (standardwebhooks.com; the Salesforce relay and generic senders):
  `webhook-signature` holds `v1,<base64>` entries, HMAC-SHA256 with the secret (`whsec_`
  + base64 key) of `webhook-id.webhook-timestamp.body`; the timestamp (seconds) must be
  within 5 minutes of now.

Each checker takes every secret currently valid (the current one and, during a rotation,
the previous one) and accepts a signature made with any of them. Comparisons are constant
time. Errors say which header or check failed, never the expected signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300
# HubSpot's v3 instructions: these escapes are decoded in the URI before signing.
_HUBSPOT_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
    "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip


class SignatureError(Exception):
    """The delivery is not authentic (or too old to be trusted); the message says why."""


def hubspot_uri(uri: str) -> str:
    for escaped, char in _HUBSPOT_DECODED.items():
        uri = uri.replace(escaped, char).replace(escaped.lower(), char)
    return uri


def hubspot_signature(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    source = method.upper().encode() + hubspot_uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), source, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_hubspot(
    secrets: list[str],
    method: str,
    uri: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: float | None = None,
) -> None:
    if not signature or not timestamp:
        raise SignatureError(
            "missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp (signature v3)"
        )
    if not timestamp.isdigit():
        raise SignatureError("X-HubSpot-Request-Timestamp is not a time in milliseconds")
    age = (time.time() if now is None else now) - int(timestamp) / 1000
    if age > TOLERANCE_SECONDS:
        raise SignatureError(
            f"the request is {age:,.0f} s old; HubSpot requests expire after 5 minutes"
        )
    if age < -TOLERANCE_SECONDS:
        raise SignatureError("the request's timestamp is in the future; check the clocks")
    presented = signature.strip().replace(" ", "+")
    for secret in secrets:
        expected = hubspot_signature(secret, method, uri, body, timestamp)
        if hmac.compare_digest(expected.encode(), presented.encode()):
            return
    raise SignatureError("X-HubSpot-Signature-v3 does not match the request")


def standard_key(secret: str) -> bytes:
    """A Standard Webhooks secret (`whsec_<base64>`) as HMAC key bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def standard_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_standard(
    secrets: list[str],
    msg_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> None:
    if not msg_id or not timestamp or not signature:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not timestamp.isdigit():
        raise SignatureError("webhook-timestamp is not a time in seconds")
    skew = (time.time() if now is None else now) - int(timestamp)
    if abs(skew) > TOLERANCE_SECONDS:
        raise SignatureError(
            f"webhook-timestamp is {abs(skew):,.0f} s {'old' if skew > 0 else 'ahead'}; "
            "deliveries are accepted within 5 minutes"
        )
    presented = [p.strip() for p in signature.split(" ") if p.strip().startswith("v1,")]
    for secret in secrets:
        expected = standard_signature(secret, msg_id, timestamp, body).encode()
        if any(hmac.compare_digest(expected, p.encode()) for p in presented):
            return
    raise SignatureError("webhook-signature does not match the delivery")

"""Standard Webhooks signing secrets and signatures (HMAC-SHA256, `v1,<base64>`).

A symmetric signature needs the secret itself at send time, so it cannot be kept only as a hash
the way API keys are. What the database holds is a random 32-byte *seed* per endpoint:

- with `INVOICEPORT_WEBHOOK_SIGNING_KEY` set, the secret is HMAC-SHA256(key, seed): a copy of the
  database alone does not reveal any secret, and the row records which key (`key_id`, a short
  fingerprint) derived it, so a changed key is noticed instead of signing with the wrong secret;
- without it, the seed *is* the secret, stored as it is: whoever can read the database can sign
  webhooks. docs/webhooks.md says so, and recommends setting the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SEED_BYTES = 32
_DERIVATION_LABEL = b"invoiceport webhook signing secret v1\x00"


class SigningKeyUnavailable(Exception):
    """The endpoint's secret was derived with a signing key this process does not have."""


@dataclass(frozen=True, slots=True)
class StoredSecret:
    seed: str  # base64 of SEED_BYTES random bytes
    key_id: str | None  # fingerprint of the signing key the secret is derived with, or None


def key_id(signing_key: str) -> str:
    """A short public fingerprint of the signing key (never the key itself)."""
    return hashlib.sha256(b"key-id\x00" + signing_key.encode()).hexdigest()[:16]


def new_secret(signing_key: str | None) -> StoredSecret:
    seed = base64.b64encode(secrets.token_bytes(SEED_BYTES)).decode()
    return StoredSecret(seed, key_id(signing_key) if signing_key else None)


def secret_bytes(stored: StoredSecret, signing_key: str | None) -> bytes:
    """The HMAC key the endpoint's receiver holds (as `whsec_` + base64 of these bytes)."""
    seed = base64.b64decode(stored.seed)
    if stored.key_id is None:
        return seed
    if not signing_key or not hmac.compare_digest(key_id(signing_key), stored.key_id):
        raise SigningKeyUnavailable(
            f"the endpoint's secret was derived with signing key {stored.key_id}, which "
            "INVOICEPORT_WEBHOOK_SIGNING_KEY does not hold on this process"
        )
    return hmac.new(signing_key.encode(), _DERIVATION_LABEL + seed, hashlib.sha256).digest()


def secret_text(stored: StoredSecret, signing_key: str | None) -> str:
    """The secret as shown to the partner once: `whsec_` + base64."""
    return shown(secret_bytes(stored, signing_key))


def shown(secret: bytes) -> str:
    """The secret as the partner was shown it (`secret_text`), from its bytes."""
    return SECRET_PREFIX + base64.b64encode(secret).decode()


def signature(secret: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` (Standard Webhooks 1.0)."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(secret, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[bytes], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per valid secret (during a rotation the
    old and the new secret both sign, space-separated, so receivers can switch without a gap)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_),
    }

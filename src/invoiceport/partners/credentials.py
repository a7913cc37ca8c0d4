"""Secrets: made with `secrets`, shown once, stored as SHA-256 digests, compared in constant time.

Every secret here is at least 128 random bits, so a fast digest is the right tool (a slow password
hash protects guessable secrets, which these are not); lookups go through the digest's index.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return same_digest(digest(secret), stored_digest)


def same_digest(computed: str, stored_digest: str) -> bool:
    """`matches` for a digest already computed (a lookup used it)."""
    return hmac.compare_digest(computed, stored_digest)


def _alphanumeric(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def new_api_key() -> str:
    """32 hex digits, the shape of an Azure API Management subscription key (ScanSource)."""
    return secrets.token_hex(16)


def new_client_id() -> str:
    """32 letters and digits, the shape of an Ingram Micro App ID."""
    return _alphanumeric(32)


def new_client_secret() -> str:
    return _alphanumeric(32)

"""Secrets and signatures, checked against the `standardwebhooks` reference library."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from invoiceport.webhooks import signing


def test_signatures_match_the_reference_library() -> None:
    stored = signing.new_secret(None)
    secret = signing.secret_text(stored, None)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    now = datetime.now(UTC)
    body = b'{"type":"invoice.created","data":{"total":807.48}}'
    headers = signing.headers(
        [signing.secret_bytes(stored, None)], "msg_1", int(now.timestamp()), body
    )
    assert headers["webhook-signature"] == Webhook(secret).sign("msg_1", now, body.decode())
    assert Webhook(secret).verify(body, headers) == {
        "type": "invoice.created",
        "data": {"total": 807.48},
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)


def test_without_a_signing_key_the_seed_is_the_secret() -> None:
    stored = signing.new_secret(None)
    assert stored.key_id is None
    assert signing.secret_bytes(stored, None) == base64.b64decode(stored.seed)


def test_with_a_signing_key_the_database_does_not_hold_the_secret() -> None:
    stored = signing.new_secret("server key")
    derived = signing.secret_bytes(stored, "server key")
    assert derived != base64.b64decode(stored.seed)
    assert stored.key_id == signing.key_id("server key") != "server key"
    assert signing.secret_bytes(stored, "server key") == derived  # stable
    with pytest.raises(signing.SigningKeyUnavailable, match="signing key"):
        signing.secret_bytes(stored, "another key")
    with pytest.raises(signing.SigningKeyUnavailable):
        signing.secret_bytes(stored, None)


def test_two_secrets_give_two_signatures_and_either_verifies() -> None:
    old, new = signing.new_secret(None), signing.new_secret(None)
    body = b"{}"
    now = int(datetime.now(UTC).timestamp())
    headers = signing.headers(
        [signing.secret_bytes(new, None), signing.secret_bytes(old, None)], "msg_2", now, body
    )
    assert len(headers["webhook-signature"].split(" ")) == 2
    for stored in (old, new):
        Webhook(signing.secret_text(stored, None)).verify(body, headers)

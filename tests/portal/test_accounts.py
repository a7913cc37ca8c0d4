"""Passwords as the server stores them: argon2id with OWASP's parameters, never the text."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type

from invoiceport.accounts import passwords
from tests.portal.conftest import SERVER_HASHER


def test_the_server_hashes_with_argon2id_at_owasp_parameters() -> None:
    real: PasswordHasher = SERVER_HASHER
    assert real.type is Type.ID
    assert (real.time_cost, real.memory_cost, real.parallelism) == (2, 19_456, 1)


def test_hash_and_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = passwords.hash_password("a long enough secret")
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert passwords.verify(stored, "a long enough secret")
    assert not passwords.verify(stored, "a long enough secreT")
    assert not passwords.verify(None, "a long enough secret")
    assert not passwords.verify("garbage", "a long enough secret")
    with pytest.raises(passwords.WeakPassword, match="at least 12"):
        passwords.hash_password("short")
    with pytest.raises(passwords.WeakPassword, match="control"):
        passwords.hash_password("long enough but\x00")

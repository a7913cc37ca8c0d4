"""Portal and console tests hash with a cheap argon2id (OWASP's parameters cost a second a hash on
a busy machine); `test_accounts.py` checks the parameters the server really uses."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from invoiceport.accounts import passwords

SERVER_HASHER = passwords._hasher  # what the server uses, kept before any test replaces it


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY", cheap.hash("dummy password!"))

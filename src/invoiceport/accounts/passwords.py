"""Passwords: argon2id hashes with OWASP's parameters (19 MiB, 2 passes, 1 lane).

People choose passwords, so they are guessable: a slow, memory-hard hash, unlike the random API
secrets (`partners.credentials`). `verify` of an unknown user still spends one hash's time.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024

TIME_COST = 2
MEMORY_KIB = 19_456
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=1)  # argon2id
_DUMMY = _hasher.hash("not a password of anyone, only spends the time")


class WeakPassword(ValueError):
    pass


def check_policy(password: str) -> None:
    """Raise `WeakPassword` naming the problem."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    if not password.isprintable():
        raise WeakPassword("the password must not contain control characters")


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (None: no such user or no password yet, still slow)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

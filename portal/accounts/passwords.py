"""argon2id hashing and the password policy (security.md: 12+ characters, zxcvbn score 3+)."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
# zxcvbn's cost grows fast with length; past this many characters a password is strong anyway.
ZXCVBN_PREFIX = 64

PROFILES = {
    # argon2-cffi's default: RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
    "production": argon2.PasswordHasher(),
    # Tests only (config.check refuses it in production): the same algorithm, far cheaper.
    "fast": argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


class Hasher:
    def __init__(self, profile: str):
        self._hasher = PROFILES[profile]
        # Unknown users are checked against this, so they take as long as a wrong password.
        self._dummy = self._hasher.hash("not-a-real-password-for-timing")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def password_problem(password: str, *, hints: tuple[str, ...] = ()) -> str | None:
    """Say what is wrong with a new password, in words for the form, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Enter a password of {MAX_LENGTH} characters or fewer"
    inputs = [h for h in hints if h]
    # Spaces hide a common phrase from zxcvbn ("i love my family" scores 4, "ilovemyfamily" 1),
    # but guessing lists try phrases with and without them: the weaker reading decides.
    readings = dict.fromkeys((password[:ZXCVBN_PREFIX], "".join(password.split())[:ZXCVBN_PREFIX]))
    result = min((zxcvbn(reading, user_inputs=inputs) for reading in readings),
                 key=lambda r: r["score"])
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"].get("warning") or "It would be easy to guess"
    return f"Choose a password that is harder to guess: {warning.rstrip('.')}. Try a few unrelated words."

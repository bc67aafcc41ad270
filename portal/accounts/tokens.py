"""Random tokens for links and codes. Only their hashes are stored."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O or 1/I/L: codes are read aloud and copied from paper.
READABLE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def digest(value: str) -> str:
    # A plain hash is enough: these values carry 128+ bits (links) or 50 bits (recovery codes) of
    # randomness, so there is nothing to brute-force that a slow hash would protect.
    return hashlib.sha256(value.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def readable_code(length: int = 10) -> str:
    return "".join(secrets.choice(READABLE) for _ in range(length))

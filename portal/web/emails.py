"""Email addresses as the portal stores and compares them, and the ones it refuses.

One account per address: the address is stored in NFKC form and lower case, so that a ligature,
a full-width letter or a capital does not make a second account for the same person; an address
mixing alphabets (a Cyrillic "а" among Latin letters) is refused, since it exists only to look
like another. An address a spreadsheet would run as a formula is refused too (CSV injection).
Standard library only.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA = "An email address cannot start with = + - or @. Enter the address without it"
MIXED = ("Enter an email address written in one alphabet: this one mixes letters from different "
         "alphabets, such as Cyrillic and Latin")


def normalise(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().lower()


def problem(email: str) -> str | None:
    """Why ``email`` cannot be taken, or None."""
    if email.startswith(FORMULA_STARTS):
        return FORMULA
    local, _, domain = normalise(email).rpartition("@")
    # Each part on its own: a Cyrillic name at a Latin domain is someone's real address.
    if any(len(_scripts(part)) > 1 for part in (local, *domain.split("."))):
        return MIXED
    return None


def _scripts(text: str) -> set[str]:
    """The alphabets of the letters in ``text``, by the first word of each letter's Unicode name
    (LATIN, CYRILLIC, GREEK, ...)."""
    return {unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in text if ch.isalpha()}

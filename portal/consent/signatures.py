"""Whether the signature a person typed is their name."""

from __future__ import annotations

import unicodedata

# signature_matches: apostrophes (and full stops) vanish, hyphens separate words like a space.
_IGNORED = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07."))
_SEPARATORS = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), " ")


def signature_matches(typed: str, legal_name: str) -> bool:
    """Whether a typed signature is the person's name, forgiving what people vary when typing.

    Forgiven: case; accents and other marks (NFKD, combining marks dropped: "José" = "Jose",
    "Muñoz" = "Munoz"); spaces (extra, leading, trailing); apostrophes, which are ignored in every
    form (' ’ ‘ ʼ ` ´), so "O'Neil" = "O’Neil" = "ONeil" (phones hide or change the apostrophe, and
    leaving it out is not a different name); full stops, likewise ignored ("Jr." = "Jr"); and
    hyphens and dashes, which separate words like a space, so "García-López" = "Garcia Lopez".
    Otherwise the same words must come in the same order: no initials, no missing or extra names,
    no misspellings ("Jon" is not "John"). Empty (or punctuation only) never matches.
    """
    if not isinstance(typed, str) or not isinstance(legal_name, str):
        return False
    words = _name_words(typed)
    return bool(words) and words == _name_words(legal_name)


def _name_words(name: str) -> list[str]:
    text = name.translate(_IGNORED)  # before NFKD, which turns ´ into a space and a mark
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_IGNORED).translate(_SEPARATORS).split()

"""The one Spanish glossary of the program's terms (glossary.toml), and the check that a Spanish
string says what its English twin says in the glossary's words. Standard library only."""

from __future__ import annotations

import importlib.resources
import re
import tomllib
from dataclasses import dataclass
from functools import cache

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Term:
    en: str
    es: str
    forms: tuple[str, ...]
    avoid: tuple[str, ...]


@cache
def glossary() -> tuple[Term, ...]:
    raw = importlib.resources.files(__package__).joinpath("glossary.toml").read_bytes()
    return tuple(Term(entry["en"], entry["es"], tuple(entry["forms"]), tuple(entry.get("avoid", ())))
                 for entry in tomllib.loads(raw.decode("utf-8"))["terms"])


def term(english: str) -> str:
    """The Spanish for one of the program's terms."""
    return next(t.es for t in glossary() if t.en == english)


def problems(english: str, spanish: str) -> list[str]:
    """Where ``spanish`` leaves out the glossary's word for a term ``english`` uses, or uses a
    word the glossary avoids. Placeholders ({program}) are not words of either."""
    english = PLACEHOLDER.sub("", english).lower()
    spanish = PLACEHOLDER.sub("", spanish).lower()
    found = []
    for entry in glossary():
        if entry.en.lower() in english and not any(f.lower() in spanish for f in entry.forms):
            found.append(f"{entry.en!r} is {entry.es!r} in Spanish: {spanish[:80]!r}")
        found += [f"{word!r} is not the glossary's word (use {entry.es!r}): {spanish[:80]!r}"
                  for word in entry.avoid if word.lower() in spanish]
    return found

"""The consent texts as data: what a text holds, its fingerprint, and filling in its placeholders.

Each text has one section per element a 42 CFR Part 2 / HIPAA consent needs, in a fixed order
(ELEMENTS). An arrest-diversion consent is a criminal-justice referral consent (42 CFR 2.35): it
cannot be revoked before a stated event (`revocable_from`); a social-contact consent can be revoked
at any time. A signed consent records the text's id and sha256, so what the person was shown can
always be proved. Reading the file is texts_loading.py; standard library only.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field

LANGUAGES = {"en": "English", "es": "Español"}

# The elements of a valid consent, in the order a text presents them.
ELEMENTS = (
    "person",            # the person's name
    "who_discloses",     # who may disclose
    "what_information",  # what information
    "to_whom",           # to whom: the program, case management, the prosecutor, the referrer
    "purpose",           # why
    "revocation",        # the right to revoke in writing, how, and the exception for actions taken
    "expiry",            # when it ends (a date or an event)
    "redisclosure",      # 42 CFR Part 2 protects it; no redisclosure except as the law allows
    "signature",         # the statement above the signature line
)

# The only names a body may use, as {name}; render() takes them as keyword arguments.
PLACEHOLDERS = frozenset({"person_name", "referring_organisation", "program_name", "intake_deadline_days"})

ANYTIME = "anytime"
AFTER_EVENT = "after_event"
# How each route's consent may be revoked: arrest diversion is a criminal-justice referral consent.
ROUTE_REVOCABLE = {"arrest_diversion": AFTER_EVENT, "social_contact": ANYTIME}

PARAGRAPH = "paragraph"
LIST = "list"

ITEM = "- "  # a line of a body that starts a list item
FORMATTER = string.Formatter()


class ConsentTextError(ValueError):
    """A consent-texts file that cannot be used; `errors` lists every problem, each naming where."""

    def __init__(self, errors: list[str], source: str = "consent texts"):
        self.errors = list(errors)
        self.source = source
        super().__init__(f"{source}: " + "; ".join(self.errors))


class ConsentRenderError(ValueError):
    """render() was given a missing, empty, unknown or unusable value; `errors` lists each one."""

    def __init__(self, text_id: str, errors: list[str]):
        self.errors = list(errors)
        super().__init__(f"consent text {text_id}: " + "; ".join(self.errors))


@dataclass(frozen=True, slots=True)
class Section:
    """One element of a consent text, as written in the file (placeholders not yet filled)."""

    element: str
    heading: str
    body: str

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in FORMATTER.parse(self.body) if name)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (one line of text) or a list (one line per item) of a rendered section."""

    kind: str  # PARAGRAPH or LIST
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RenderedSection:
    """A section with its placeholders filled: plain text, to be escaped by whatever shows it."""

    element: str
    heading: str
    blocks: tuple[Block, ...]

    @property
    def body(self) -> str:
        """The section as plain text: paragraphs apart by a blank line, list items as "- item"."""
        return "\n\n".join(
            "\n".join(ITEM + line for line in block.lines) if block.kind == LIST else block.lines[0]
            for block in self.blocks
        )


@dataclass(frozen=True, slots=True)
class ConsentText:
    """One version of the consent for one route in one language; sha256 fingerprints its content."""

    id: str
    route: str
    version: str
    language: str
    title: str
    revocable: str                # ANYTIME or AFTER_EVENT
    revocable_from: str | None    # plain words: when it becomes revocable (AFTER_EVENT only)
    expires: str                  # plain words: when it ends (a date or an event)
    # The same term as a number: the consent ends this many calendar months after signing. Not
    # in the sha256 (the words are, and must agree), so adding it kept every signed fingerprint.
    expires_after_months: int
    sections: tuple[Section, ...]
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.canonical()).hexdigest())

    def canonical(self) -> bytes:
        """The content that the sha256 covers, as canonical JSON (sorted keys, UTF-8).

        Bodies count as the reader sees them (paragraphs, lists and words), so re-wrapping the
        lines of the file does not change the fingerprint; any change to a word does.
        """
        content = {
            "id": self.id, "route": self.route, "version": self.version, "language": self.language,
            "title": self.title, "revocable": self.revocable, "revocable_from": self.revocable_from,
            "expires": self.expires,
            "sections": [
                {"element": s.element, "heading": s.heading, "blocks": [[k, list(ls)] for k, ls in blocks_of(s.body)]}
                for s in self.sections
            ],
        }
        return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    @property
    def placeholders(self) -> frozenset[str]:
        """Every placeholder the text uses: render() needs a value for each."""
        return frozenset().union(*(s.placeholders for s in self.sections))

    def section(self, element: str) -> Section:
        for section in self.sections:
            if section.element == element:
                return section
        raise LookupError(f"consent text {self.id} has no {element!r} section")

    def render(self, **values: str | int) -> tuple[RenderedSection, ...]:
        """The sections with every placeholder filled from `values` (plain text, not HTML).

        Each value must be text or a whole number; runs of whitespace in it (line breaks too)
        become one space, so a value cannot start a paragraph or a list item. Raises
        ConsentRenderError, naming every problem, for a missing or empty value or a name that is
        not a placeholder. Values for known placeholders the text does not use are ignored.
        """
        problems = [f"{name!r} is not a placeholder" for name in sorted(set(values) - PLACEHOLDERS)]
        filled: dict[str, str] = {}
        for name in sorted(self.placeholders):
            if name not in values:
                problems.append(f"a value for {{{name}}} is required")
                continue
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                kind = type(value).__name__
                problems.append(f"the value for {{{name}}} must be text or a whole number, not {kind}")
                continue
            filled[name] = " ".join(str(value).split())
            if not filled[name]:
                problems.append(f"the value for {{{name}}} must not be empty")
        if problems:
            raise ConsentRenderError(self.id, problems)
        return tuple(
            RenderedSection(
                section.element, section.heading,
                tuple(Block(kind, tuple(line.format_map(filled) for line in lines))
                      for kind, lines in blocks_of(section.body)),
            )
            for section in self.sections
        )


@dataclass(frozen=True, slots=True)
class ConsentLibrary:
    """Every consent text in a file, every version kept (signed consents name old ones by id)."""

    texts: tuple[ConsentText, ...]
    sha256: str  # of the file's bytes

    def __iter__(self) -> Iterator[ConsentText]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def get(self, text_id: str) -> ConsentText | None:
        return next((t for t in self.texts if t.id == text_id), None)

    def current(self, route: str, language: str) -> ConsentText:
        """The highest version for the route in the language; LookupError if there is none."""
        candidates = [t for t in self.texts if t.route == route and t.language == language]
        if not candidates:
            raise LookupError(f"no consent text for route {route!r} in language {language!r}")
        return max(candidates, key=lambda t: _version_key(t.version))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def paragraphs(body: str) -> list[list[str]]:
    return [chunk.split("\n") for chunk in re.split(r"\n[ \t]*\n", body.strip("\n")) if chunk.strip()]


def blocks_of(body: str) -> list[tuple[str, tuple[str, ...]]]:
    """The paragraphs and lists of a checked body, each line's whitespace collapsed."""
    blocks = []
    for lines in paragraphs(body):
        if lines[0].startswith(ITEM):
            items: list[str] = []
            for line in lines:
                if line.startswith(ITEM):
                    items.append(line[len(ITEM):])
                else:
                    items[-1] += " " + line
            blocks.append((LIST, tuple(" ".join(item.split()) for item in items)))
        else:
            blocks.append((PARAGRAPH, (" ".join(" ".join(lines).split()),)))
    return blocks

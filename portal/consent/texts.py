"""The consent texts a referred person reads and signs: loading them strictly, rendering, signatures.

The texts are data (texts.toml beside this file): one per referral route and language, in English
and Spanish pairs, versioned. A program administrator may edit a copy by hand, so loading reports
every problem, each prefixed with where it is ("texts[2].sections[4].body: unknown placeholder
{name}"), and nothing half valid is ever returned.

Each text has one section per element a 42 CFR Part 2 / HIPAA consent needs, in a fixed order
(ELEMENTS). An arrest-diversion consent is a criminal-justice referral consent (42 CFR 2.35): it
cannot be revoked before a stated event (`revocable_from`); a social-contact consent can be revoked
at any time. A signed consent records the text's id and sha256, so what the person was shown can
always be proved.

    text = default_texts().current("arrest_diversion", "es")
    sections = text.render(person_name=..., referring_organisation=..., program_name="LEAD",
                           intake_deadline_days=30)

Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from os import PathLike
from typing import Any

from portal.tomlcheck import Problems, decode, read_bytes
from portal.tomlcheck import kind as _kind

DEFAULT_TEXTS_NAME = "texts.toml"

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

_TEXT_KEYS = ("id", "route", "version", "language", "title", "revocable", "expires", "sections")
_SECTION_KEYS = ("element", "heading", "body")
_VERSION = re.compile(r"(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,3}\Z")
_ITEM = "- "
_FORMATTER = string.Formatter()

# signature_matches: apostrophes (and full stops) vanish, hyphens separate words like a space.
_IGNORED = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07."))
_SEPARATORS = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), " ")


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
        return frozenset(name for _, name, _, _ in _FORMATTER.parse(self.body) if name)


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
            "\n".join(_ITEM + line for line in block.lines) if block.kind == LIST else block.lines[0]
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
                {"element": s.element, "heading": s.heading, "blocks": [[k, list(ls)] for k, ls in _blocks(s.body)]}
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
                      for kind, lines in _blocks(section.body)),
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


def load_texts(path: str | PathLike[str] | None = None) -> ConsentLibrary:
    """Read and check a consent-texts file; None means the one shipped with the package."""
    raw, source = read_bytes(__package__, DEFAULT_TEXTS_NAME, path, ConsentTextError)
    return parse_texts(raw, source=source)


@cache
def default_texts() -> ConsentLibrary:
    """The packaged consent texts, read once per process."""
    return load_texts(None)


def parse_texts(raw: bytes, source: str = "consent texts") -> ConsentLibrary:
    """Check the bytes of a consent-texts file and build the library."""
    data = decode(raw, source, ConsentTextError)
    p = Problems()
    top = p.table(data, "", required=("texts",))
    entries = [(where, _read_text(p, where, entry)) for where, entry in p.tables(top, "texts", non_empty=True)]
    _check_ids(p, entries)
    _check_pairs(p, entries)
    if p.errors:
        raise ConsentTextError(p.errors, source)
    return ConsentLibrary(tuple(ConsentText(**fields) for _, fields in entries), hashlib.sha256(raw).hexdigest())


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


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# --- reading one text -------------------------------------------------------------------------


def _read_text(p: Problems, where: str, entry: Any) -> dict:
    """The ConsentText fields of one [[texts]] entry (values None where a problem was reported)."""
    table = p.table(entry, where, required=_TEXT_KEYS, optional=("revocable_from",))
    route = p.value(table, "route", where, _one_of(ROUTE_REVOCABLE))
    version = p.value(table, "version", where, _version)
    language = p.value(table, "language", where, _one_of(LANGUAGES))
    revocable = p.value(table, "revocable", where, _one_of((ANYTIME, AFTER_EVENT)))
    revocable_from = p.value(table, "revocable_from", where, _plain)
    expires = p.value(table, "expires", where, _plain)
    fields = {
        "id": p.value(table, "id", where, _text),
        "route": route, "version": version, "language": language,
        "title": p.value(table, "title", where, _plain),
        "revocable": revocable, "revocable_from": revocable_from, "expires": expires,
        "sections": _read_sections(p, where, table),
    }
    if route and revocable and revocable != ROUTE_REVOCABLE[route]:
        p.add(f"{where}.revocable",
              f"consent for route {route!r} must be {ROUTE_REVOCABLE[route]!r}, not {revocable!r}")
    if revocable == AFTER_EVENT and "revocable_from" not in table:
        p.add(where, f"'revocable_from' is required when revocable is {AFTER_EVENT!r}: say when it can be revoked")
    if revocable == ANYTIME and "revocable_from" in table:
        p.add(f"{where}.revocable_from", f"only for revocable = {AFTER_EVENT!r}; remove it")
    if route and version and language and fields["id"] and fields["id"] != f"{route}-{version}-{language}":
        p.add(f"{where}.id", f"must be {route}-{version}-{language!s} (route-version-language), not {fields['id']!r}")
    by_element = {s.element: (i, s) for i, s in enumerate(fields["sections"])}
    if revocable == AFTER_EVENT and revocable_from and "revocation" in by_element:
        _must_state(p, where, by_element["revocation"], revocable_from, "revocable_from")
    if expires and "expiry" in by_element:
        _must_state(p, where, by_element["expiry"], expires, "expires")
    return fields


def _must_state(p: Problems, where: str, indexed: tuple[int, Section], words: str, key: str) -> None:
    index, section = indexed
    if words.casefold() not in " ".join(section.body.split()).casefold():
        p.add(f"{where}.sections[{index}].body",
              f"the {section.element} section must say when, in the {key} words: {words!r}")


def _read_sections(p: Problems, text_where: str, text: dict) -> tuple[Section, ...]:
    sections = []
    elements = []
    for where, entry in p.tables(text, "sections", non_empty=True, prefix=text_where):
        table = p.table(entry, where, required=_SECTION_KEYS)
        element = p.value(table, "element", where, _one_of(ELEMENTS))
        heading = p.value(table, "heading", where, _plain)
        body = p.value(table, "body", where, _text)
        body_problems = []
        if body is not None:
            body = _normalise_body(body)
            body_problems = _body_problems(body)
            for problem in body_problems:
                p.add(f"{where}.body", problem)
        elements.append(element)
        if element and heading and body and not body_problems:
            sections.append(Section(element, heading.strip(), body))
    if "sections" in text and isinstance(text["sections"], list):
        where = f"{text_where}.sections"
        present = [e for e in elements if e]
        for element in ELEMENTS:
            count = present.count(element)
            if count == 0:
                p.add(where, f"the {element!r} section is missing")
            elif count > 1:
                p.add(where, f"the {element!r} section appears {count} times; it must appear once")
        if sorted(present) == sorted(ELEMENTS) and present != list(ELEMENTS):
            p.add(where, f"the sections must be in this order: {', '.join(ELEMENTS)}")
    return tuple(sections)


def _normalise_body(body: str) -> str:
    """Line endings and trailing spaces do not count: only what a reader would see."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _paragraphs(body: str) -> list[list[str]]:
    return [chunk.split("\n") for chunk in re.split(r"\n[ \t]*\n", body.strip("\n")) if chunk.strip()]


def _blocks(body: str) -> list[tuple[str, tuple[str, ...]]]:
    """The paragraphs and lists of a checked body, each line's whitespace collapsed."""
    blocks = []
    for lines in _paragraphs(body):
        if lines[0].startswith(_ITEM):
            items: list[str] = []
            for line in lines:
                if line.startswith(_ITEM):
                    items.append(line[len(_ITEM):])
                else:
                    items[-1] += " " + line
            blocks.append((LIST, tuple(" ".join(item.split()) for item in items)))
        else:
            blocks.append((PARAGRAPH, (" ".join(" ".join(lines).split()),)))
    return blocks


def _body_problems(body: str) -> list[str]:
    problems = []
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in _FORMATTER.parse(body) if name is not None]
    except ValueError as exc:
        fields = []
        problems.append(f"{exc}: a placeholder is written {{name}}, and a brace on its own as {{{{ or }}}}")
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS))
            problems.append(f"unknown placeholder {{{name[:40]}}}: use one of {known}")
        elif spec or conversion:
            problems.append(f"placeholder {{{name}}} must be written plainly, without ! or :")
    for number, lines in enumerate(_paragraphs(body), start=1):
        is_list = lines[0].startswith(_ITEM)
        for line in lines[1:]:  # the first wrong line of each paragraph is enough
            if is_list and not (line.startswith(_ITEM) or line[:1].isspace()):
                problems.append(
                    f"paragraph {number}: in a list, every line starts with '- ', or is indented to "
                    f"continue the item above: {line.strip()[:50]!r}")
                break
            if not is_list and line.startswith(_ITEM):
                problems.append(
                    f"paragraph {number}: put a blank line between text and a list: {line.strip()[:50]!r}")
                break
    return problems


# --- checks across texts ----------------------------------------------------------------------


def _check_ids(p: Problems, entries: list[tuple[str, dict]]) -> None:
    seen: dict[str, str] = {}
    for where, fields in entries:
        text_id = fields["id"]
        if text_id in seen:
            p.add(f"{where}.id", f"duplicate id {text_id!r} (first used at {seen[text_id]})")
        elif text_id is not None:
            seen[text_id] = where


def _check_pairs(p: Problems, entries: list[tuple[str, dict]]) -> None:
    """Every route has texts; each version comes in every language, with the same placeholders."""
    routes = {fields["route"] for _, fields in entries}
    if entries:
        for route in ROUTE_REVOCABLE:
            if route not in routes:
                p.add("texts", f"there is no consent text for route {route!r}")
    groups: dict[tuple[str, str], dict[str, tuple[str, dict]]] = {}
    for where, fields in entries:
        if fields["route"] and fields["version"] and fields["language"]:
            group = groups.setdefault((fields["route"], fields["version"]), {})
            group.setdefault(fields["language"], (where, fields))
    for (route, version), by_language in groups.items():
        first_language, (first_where, first) = next(iter(by_language.items()))
        if tuple(s.element for s in first["sections"]) != ELEMENTS:
            continue  # the section problems are reported already
        for language, name in LANGUAGES.items():
            if language not in by_language:
                p.add(first_where, f"there is no {name} ({language!r}) text for route {route!r} version {version!r}; "
                      "every version needs one in each language")
        theirs = {s.element: s.placeholders for s in first["sections"]}
        for language, (where, fields) in by_language.items():
            if language == first_language or tuple(s.element for s in fields["sections"]) != ELEMENTS:
                continue
            for index, section in enumerate(fields["sections"]):
                other = theirs.get(section.element)
                if other is not None and section.placeholders != other:
                    p.add(f"{where}.sections[{index}]",
                          f"the {section.element} section uses {_names(section.placeholders)} but the "
                          f"{first_language!r} text ({first_where}) uses {_names(other)}: "
                          "both languages need the same")


def _names(placeholders: frozenset[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(placeholders)) or "no placeholders"


# --- the problem collector and value checks (the house style of portal.eligibility.loader) ----


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    return None if value.strip() else "must not be empty"


def _plain(value: Any) -> str | None:
    """Text shown as is: placeholders belong in section bodies only."""
    problem = _text(value)
    if problem is None and ("{" in value or "}" in value):
        return "takes no placeholders or braces (placeholders belong in section bodies)"
    return problem


def _version(value: Any) -> str | None:
    problem = _text(value)
    if problem is None and not _VERSION.match(value):
        return f"{value[:40]!r} is not a version: use numbers and dots, like 2026.1"
    return problem


def _one_of(allowed) -> Any:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed:
            return None
        shown = repr(value[:40]) if isinstance(value, str) else _kind(value)
        return f"must be one of {', '.join(map(repr, allowed))}, not {shown}"

    return check

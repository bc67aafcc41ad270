"""Reading the consent texts file (texts.toml beside this file) strictly.

A program administrator may edit a copy by hand, so loading reports every problem, each prefixed
with where it is ("texts[2].sections[4].body: unknown placeholder {name}"), and nothing half
valid is ever returned. Standard library only.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from os import PathLike
from typing import Any

from portal.consent.texts_model import (
    AFTER_EVENT, ANYTIME, ELEMENTS, FORMATTER, ITEM, LANGUAGES, PLACEHOLDERS, ROUTE_REVOCABLE,
    ConsentLibrary, ConsentText, ConsentTextError, Section, paragraphs,
)
from portal.tomlcheck import Problems, decode, read_bytes
from portal.tomlcheck import kind as _kind

DEFAULT_TEXTS_NAME = "texts.toml"

_TEXT_KEYS = ("id", "route", "version", "language", "title", "revocable", "expires",
              "expires_after_months", "sections")
_MOST_MONTHS = 120  # a consent that lasts longer than ten years is a typing mistake
_SECTION_KEYS = ("element", "heading", "body")
_VERSION = re.compile(r"(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,3}\Z")


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
        "expires_after_months": p.value(table, "expires_after_months", where, _months),
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


def _body_problems(body: str) -> list[str]:
    problems = []
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in FORMATTER.parse(body) if name is not None]
    except ValueError as exc:
        fields = []
        problems.append(f"{exc}: a placeholder is written {{name}}, and a brace on its own as {{{{ or }}}}")
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS))
            problems.append(f"unknown placeholder {{{name[:40]}}}: use one of {known}")
        elif spec or conversion:
            problems.append(f"placeholder {{{name}}} must be written plainly, without ! or :")
    for number, lines in enumerate(paragraphs(body), start=1):
        is_list = lines[0].startswith(ITEM)
        for line in lines[1:]:  # the first wrong line of each paragraph is enough
            if is_list and not (line.startswith(ITEM) or line[:1].isspace()):
                problems.append(
                    f"paragraph {number}: in a list, every line starts with '- ', or is indented to "
                    f"continue the item above: {line.strip()[:50]!r}")
                break
            if not is_list and line.startswith(ITEM):
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


def _months(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of months, not {_kind(value)}"
    if not 1 <= value <= _MOST_MONTHS:
        return f"must be between 1 and {_MOST_MONTHS} months, not {value}"
    return None


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

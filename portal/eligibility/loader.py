"""Reading a ruleset file, strictly.

A program administrator edits the ruleset by hand, so a mistake must be reported plainly and
completely: every problem is collected (not just the first), each prefixed with where it is, in
the file's own terms ("charges[3].qualifiers[0]: 'divertible_answer' is required"). Nothing half
valid is ever returned.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import cache
from os import PathLike
from typing import Any

from .ruleset import (
    EXCLUSION_CODES,
    LEVELS,
    OTHER_CHARGE,
    Charge,
    DeclineReason,
    Digest,
    Exclusion,
    Qualifier,
    Route,
    Ruleset,
    RulesetError,
    Term,
)
from portal.tomlcheck import Check, Problems, decode, read_bytes
from portal.tomlcheck import kind as _kind

DEFAULT_RULESET_NAME = "default_ruleset.toml"

_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
_TOP_KEYS = (
    "id", "version", "effective_date", "organisation_kinds", "routes", "exclusions",
    "concerns", "charges", "decline_reasons",
)


def load_ruleset(path: str | PathLike[str] | None = None) -> Ruleset:
    """Read and check a ruleset file; None means the one shipped with the package."""
    raw, source = read_bytes(__package__, DEFAULT_RULESET_NAME, path, RulesetError)
    return parse_ruleset(raw, source=source)


@cache
def default_ruleset() -> Ruleset:
    """The packaged ruleset, read once per process."""
    return load_ruleset(None)


def parse_ruleset(raw: bytes, source: str = "ruleset") -> Ruleset:
    """Check the bytes of a ruleset file and build the Ruleset; the sha256 is of these bytes."""
    data = decode(raw, source, RulesetError)
    problems = _Problems()
    parts = _read_top(problems, data)
    if problems.errors:
        raise RulesetError(problems.errors, source)
    return Ruleset(sha256=hashlib.sha256(raw).hexdigest(), **parts)


def _read_top(p: _Problems, data: dict) -> dict:
    top = p.table(data, "", required=_TOP_KEYS, optional=("digest",))
    org_kinds = _read_terms(p, top, "organisation_kinds", non_empty=True)
    return {
        "id": p.value(top, "id", "", _text),
        "version": p.value(top, "version", "", _text),
        "effective_date": p.value(top, "effective_date", "", _date),
        "org_kinds": org_kinds,
        "routes": _read_routes(p, top, {k.code for k in org_kinds}),
        "minimum_age": _read_minimum_age(p, top),
        "exclusions": _read_exclusions(p, top),
        "concerns": _read_terms(p, top, "concerns"),
        "charges": _read_charges(p, top),
        "decline_reasons": _read_decline_reasons(p, top),
        "digest": _read_digest(p, top),
    }


def _read_digest(p: _Problems, top: dict) -> Digest:
    """The coordinators' weekday digest; optional, each key defaulting to Digest's."""
    if "digest" not in top:
        return Digest()
    table = p.table(top["digest"], "digest",
                    optional=("unclaimed_after_days", "deadlines_within_days"))
    values = {key: p.value(table, key, "digest", _whole(0, 365))
              for key in ("unclaimed_after_days", "deadlines_within_days") if key in table}
    return Digest(**{key: value for key, value in values.items() if value is not None})


def _read_terms(p: _Problems, top: dict, key: str, non_empty: bool = False) -> tuple[Term, ...]:
    seen: dict[str, str] = {}
    terms = []
    for where, entry in p.tables(top, key, non_empty):
        table = p.table(entry, where, required=("code", "label"))
        terms.append(Term(p.code(table, where, seen), p.value(table, "label", where, _text)))
    return tuple(terms)


def _read_decline_reasons(p: _Problems, top: dict) -> tuple[DeclineReason, ...]:
    seen: dict[str, str] = {}
    reasons = []
    for where, entry in p.tables(top, "decline_reasons"):
        table = p.table(entry, where, required=("code", "label"), optional=("offered",))
        offered = p.value(table, "offered", where, _bool)
        reasons.append(DeclineReason(p.code(table, where, seen), p.value(table, "label", where, _text),
                                     offered is not False))
    return tuple(reasons)


def _read_routes(p: _Problems, top: dict, org_kinds: set[str]) -> tuple[Route, ...]:
    seen: dict[str, str] = {}
    routes = []
    for where, entry in p.tables(top, "routes", non_empty=True):
        table = p.table(
            entry, where,
            required=("code", "label", "description", "org_kinds", "charge_required"),
            optional=("intake_deadline_days", "conduct_lookback_months", "conduct_required",
                      "max_arrest_age_days", "response_target_days"),
        )
        kinds = p.value(table, "org_kinds", where, _codes) or []
        for kind in kinds:
            if org_kinds and kind not in org_kinds:
                p.add(f"{where}.org_kinds", f"{kind!r} is not one of the organisation_kinds")
        routes.append(Route(
            code=p.code(table, where, seen),
            label=p.value(table, "label", where, _text),
            description=p.value(table, "description", where, _text),
            org_kinds=tuple(kinds),
            charge_required=p.value(table, "charge_required", where, _bool),
            intake_deadline_days=p.value(table, "intake_deadline_days", where, _whole(1, 3650)),
            conduct_lookback_months=p.value(table, "conduct_lookback_months", where, _whole(1, 1200)),
            conduct_required=p.value(table, "conduct_required", where, _bool) is True,
            max_arrest_age_days=p.value(table, "max_arrest_age_days", where, _whole(0, 3650)),
            response_target_days=p.value(table, "response_target_days", where, _whole(1, 3650)),
        ))
    return tuple(routes)


def _read_minimum_age(p: _Problems, top: dict) -> int:
    exclusions = top.get("exclusions")
    if not isinstance(exclusions, dict) or not isinstance(exclusions.get("minimum_age"), dict):
        return 0  # reported by _read_exclusions
    return p.value(exclusions["minimum_age"], "years", "exclusions.minimum_age", _whole(0, 150))


def _read_exclusions(p: _Problems, top: dict) -> tuple[Exclusion, ...]:
    # The engine applies each exclusion by its code, so the set is fixed: all four, no others.
    if "exclusions" not in top:
        return ()
    table = p.table(top["exclusions"], "exclusions", required=EXCLUSION_CODES)
    exclusions = []
    for code in EXCLUSION_CODES:
        if code not in table:
            continue
        where = f"exclusions.{code}"
        extra = ("years",) if code == "minimum_age" else ()
        entry = p.table(table[code], where, required=("label", "description") + extra)
        exclusions.append(Exclusion(
            code, p.value(entry, "label", where, _text), p.value(entry, "description", where, _text)
        ))
    return tuple(exclusions)


def _read_charges(p: _Problems, top: dict) -> tuple[Charge, ...]:
    seen: dict[str, str] = {}
    charges = []
    for where, entry in p.tables(top, "charges", non_empty=True):
        table = p.table(
            entry, where,
            required=("code", "label", "level", "note"),
            optional=("class", "qualifiers", "conduct"),
        )
        code = p.code(table, where, seen)
        if code == OTHER_CHARGE:
            p.add(f"{where}.code", f"{OTHER_CHARGE!r} is reserved for charges not in the catalog")
        charges.append(Charge(
            code=code,
            label=p.value(table, "label", where, _text),
            level=p.value(table, "level", where, _level),
            charge_class=p.value(table, "class", where, _text),
            qualifiers=_read_qualifiers(p, table, where),
            note=p.value(table, "note", where, _text),
            conduct=p.value(table, "conduct", where, _text),
        ))
    return tuple(charges)


def _read_qualifiers(p: _Problems, charge: dict, charge_where: str) -> tuple[Qualifier, ...]:
    seen: dict[str, str] = {}
    qualifiers = []
    for where, entry in p.tables(charge, "qualifiers", prefix=charge_where):
        table = p.table(entry, where, required=("code", "question", "divertible_answer"),
                        optional=("conduct_question",))
        qualifiers.append(Qualifier(
            code=p.code(table, where, seen),
            question=p.value(table, "question", where, _text),
            divertible_answer=p.value(table, "divertible_answer", where, _bool),
            conduct_question=p.value(table, "conduct_question", where, _text),
        ))
    return tuple(qualifiers)


class _Problems(Problems):
    def code(self, table: dict, where: str, seen: dict[str, str]) -> str:
        code = self.value(table, "code", where, _code)
        if code in seen:
            self.add(f"{where}.code", f"duplicate code {code!r} (first used at {seen[code]})")
        elif code is not None:
            seen[code] = where
        return code


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    return None if value.strip() else "must not be empty"


def _code(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    if not _CODE.match(value):
        return f"{value[:70]!r} is not a code: use lowercase letters, digits and _, starting with a letter"
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_kind(value)}"


def _date(value: Any) -> str | None:
    ok = isinstance(value, date) and not isinstance(value, datetime)
    return None if ok else f"must be a date like 2025-01-01, not {_kind(value)}"


def _level(value: Any) -> str | None:
    if value in LEVELS:
        return None
    shown = repr(value[:70]) if isinstance(value, str) else _kind(value)
    return f"must be one of {', '.join(map(repr, LEVELS))}, not {shown}"


def _codes(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"must be an array of codes, not {_kind(value)}"
    if not value:
        return "must list at least one code"
    problems = [p for p in map(_code, value) if p]
    if problems:
        return problems[0]
    return "must not list a code twice" if len(set(value)) != len(value) else None


def _whole(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_kind(value)}"
        return None if low <= value <= high else f"must be from {low} to {high}, not {value}"

    return check

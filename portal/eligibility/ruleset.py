"""The ruleset: the program's eligibility rules as typed, immutable data.

A ruleset is read from a TOML file (the packaged default, or a program's own copy) and checked
strictly by `loader.load_ruleset`, and then never changes. Lookup tables are
built once here so that screening a referral is a handful of dict look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

# Charge levels are part of the facts contract (reports count by level), so they are fixed here;
# the ruleset decides which charges sit at which level.
LEVELS: Mapping[str, str] = MappingProxyType(
    {"district": "District (state) charges", "city_county": "City/county charges"}
)

# The one charge code that is always accepted: a charge the catalogue does not list, described
# by the partner. It never passes on its own; a coordinator reviews it.
OTHER_CHARGE = "other"
OTHER_CHARGE_LABEL = "Another charge, not on this list"
OTHER_CONDUCT_LABEL = "Something else, not on this list"

EXCLUSION_CODES = ("minimum_age", "treatment_court", "protective_order", "no_consent")


class RulesetError(ValueError):
    """A ruleset file that cannot be used; `errors` lists every problem found, each naming where."""

    def __init__(self, errors: list[str], source: str = "ruleset"):
        self.errors = list(errors)
        self.source = source
        super().__init__(f"{source}: " + "; ".join(self.errors))


@dataclass(frozen=True, slots=True)
class Qualifier:
    code: str
    question: str
    divertible_answer: bool
    # The question as asked about conduct, where nobody was charged (the social contact page).
    conduct_question: str | None = None

    @property
    def asked_about_conduct(self) -> str:
        return self.conduct_question or self.question

    def to_dict(self) -> dict:
        return {"code": self.code, "question": self.question, "divertible_answer": self.divertible_answer,
                "conduct_question": self.conduct_question}


@dataclass(frozen=True, slots=True)
class Charge:
    code: str
    label: str
    level: str
    charge_class: str | None
    qualifiers: tuple[Qualifier, ...]
    note: str
    # The conduct in plain words, for partners who saw it rather than charged it (social
    # contact). A charge without it is not offered as a kind of conduct (see conduct_kinds).
    conduct: str | None = None

    def qualifier(self, code: str) -> Qualifier | None:
        for qualifier in self.qualifiers:  # at most a few per charge: a scan beats a dict here
            if qualifier.code == code:
                return qualifier
        return None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "level": self.level,
            "class": self.charge_class,
            "qualifiers": [q.to_dict() for q in self.qualifiers],
            "note": self.note,
            "conduct": self.conduct,
        }


@dataclass(frozen=True, slots=True)
class Term:
    """A coded item with a label: a concern, an organisation kind."""

    code: str
    label: str

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label}


@dataclass(frozen=True, slots=True)
class DeclineReason:
    """A reason a coordinator may give for declining. `offered = false` keeps a reason that can
    never apply (no referral it describes can be submitted) off the decline form, while a stored
    decline with its code still shows its label."""

    code: str
    label: str
    offered: bool = True

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "offered": self.offered}


@dataclass(frozen=True, slots=True)
class Exclusion:
    code: str
    label: str
    description: str

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "description": self.description}


@dataclass(frozen=True, slots=True)
class Route:
    code: str
    label: str
    description: str
    org_kinds: tuple[str, ...]
    charge_required: bool
    intake_deadline_days: int | None
    conduct_lookback_months: int | None
    # Ruleset-driven checks added later; each None (or false) when the route has no such rule.
    conduct_required: bool = False
    max_arrest_age_days: int | None = None
    response_target_days: int | None = None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "description": self.description,
            "org_kinds": list(self.org_kinds),
            "charge_required": self.charge_required,
            "intake_deadline_days": self.intake_deadline_days,
            "conduct_lookback_months": self.conduct_lookback_months,
            "conduct_required": self.conduct_required,
            "max_arrest_age_days": self.max_arrest_age_days,
            "response_target_days": self.response_target_days,
        }


@dataclass(frozen=True, slots=True)
class Digest:
    """What the coordinators' weekday digest lists: open referrals nobody has claimed for this
    many days, and intake deadlines due within this many days."""

    unclaimed_after_days: int = 3
    deadlines_within_days: int = 7

    def to_dict(self) -> dict:
        return {"unclaimed_after_days": self.unclaimed_after_days,
                "deadlines_within_days": self.deadlines_within_days}


@dataclass(frozen=True, slots=True, eq=False)
class Ruleset:
    """One version of the rules. Compared by identity: two loads are two rulesets (see sha256)."""

    id: str
    version: str
    effective_date: date
    sha256: str
    minimum_age: int
    exclusions: tuple[Exclusion, ...]
    org_kinds: tuple[Term, ...]
    routes: tuple[Route, ...]
    concerns: tuple[Term, ...]
    charges: tuple[Charge, ...]
    decline_reasons: tuple[DeclineReason, ...]
    digest: Digest = Digest()
    # Lookups built once in __post_init__ so screening never scans a list.
    charge_by_code: Mapping[str, Charge] = field(init=False, repr=False)
    route_by_code: Mapping[str, Route] = field(init=False, repr=False)
    exclusion_by_code: Mapping[str, Exclusion] = field(init=False, repr=False)
    concern_labels: Mapping[str, str] = field(init=False, repr=False)
    org_kind_labels: Mapping[str, str] = field(init=False, repr=False)
    route_labels: Mapping[str, str] = field(init=False, repr=False)
    decline_reason_labels: Mapping[str, str] = field(init=False, repr=False)  # every reason
    offered_decline_reasons: Mapping[str, str] = field(init=False, repr=False)  # the form's

    def __post_init__(self) -> None:
        lookups = {
            "charge_by_code": {c.code: c for c in self.charges},
            "route_by_code": {r.code: r for r in self.routes},
            "exclusion_by_code": {e.code: e for e in self.exclusions},
            "concern_labels": {c.code: c.label for c in self.concerns},
            "org_kind_labels": {k.code: k.label for k in self.org_kinds},
            "route_labels": {r.code: r.label for r in self.routes},
            "decline_reason_labels": {d.code: d.label for d in self.decline_reasons},
            "offered_decline_reasons": {d.code: d.label for d in self.decline_reasons if d.offered},
        }
        for name, table in lookups.items():
            object.__setattr__(self, name, MappingProxyType(table))  # frozen: set once, here

    def charge(self, code: str) -> Charge | None:
        return self.charge_by_code.get(code)

    def route(self, code: str) -> Route | None:
        return self.route_by_code.get(code)

    def exclusion(self, code: str) -> Exclusion:
        return self.exclusion_by_code[code]

    def routes_for(self, org_kind: str) -> tuple[Route, ...]:
        """The routes an organisation of this kind may use, in file order."""
        return tuple(r for r in self.routes if org_kind in r.org_kinds)

    def charges_by_level(self) -> dict[str, tuple[Charge, ...]]:
        """Charges grouped by level (district first), in file order within a level."""
        return {lvl: tuple(c for c in self.charges if c.level == lvl) for lvl in LEVELS}

    def conduct_kinds(self) -> tuple[Charge, ...]:
        """The kinds of conduct a social contact referral names, in plain words: the charges
        that have them (several charges can be one kind of conduct), or, in a ruleset that words
        none, every charge by its label."""
        worded = tuple(c for c in self.charges if c.conduct)
        return worded or self.charges

    def is_charge_code(self, code: str) -> bool:
        return code == OTHER_CHARGE or code in self.charge_by_code

    def charge_label(self, code: str) -> str:
        charge = self.charge_by_code.get(code)
        return charge.label if charge else OTHER_CHARGE_LABEL

    def conduct_label(self, code: str) -> str:
        charge = self.charge_by_code.get(code)
        if charge is None:
            return OTHER_CONDUCT_LABEL
        return charge.conduct or charge.label

    @staticmethod
    def level_label(level: str) -> str:
        return LEVELS.get(level, level)

    def deadlines(self) -> dict[str, dict[str, int]]:
        """Each route's deadlines and look-backs, for display and JSON."""
        result = {}
        for route in self.routes:
            limits = {
                "intake_deadline_days": route.intake_deadline_days,
                "conduct_lookback_months": route.conduct_lookback_months,
                "max_arrest_age_days": route.max_arrest_age_days,
                "response_target_days": route.response_target_days,
            }
            result[route.code] = {k: v for k, v in limits.items() if v is not None}
        return result

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "effective_date": self.effective_date.isoformat(),
            "sha256": self.sha256,
            "levels": [{"code": code, "label": label} for code, label in LEVELS.items()],
            "charges": [c.to_dict() for c in self.charges],
            "other_charge": {"code": OTHER_CHARGE, "label": OTHER_CHARGE_LABEL},
            "exclusions": {
                "minimum_age": self.minimum_age,
                "rules": [e.to_dict() for e in self.exclusions],
            },
            "concerns": [c.to_dict() for c in self.concerns],
            "organisation_kinds": [k.to_dict() for k in self.org_kinds],
            "routes": [r.to_dict() for r in self.routes],
            "deadlines": self.deadlines(),
            "decline_reasons": [d.to_dict() for d in self.decline_reasons],
            "digest": self.digest.to_dict(),
        }

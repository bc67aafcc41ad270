"""The facts a screening reads, and the one JSON contract they arrive in.

Forms, the command line and the HTTP API all hand the engine the same JSON object; `parse_facts`
is the only way in. It refuses anything it does not understand (unknown keys, unreal dates,
charges and questions the ruleset does not have) and reports every problem at once, as
(field path, what to fix) pairs a form can show beside the right field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from .ruleset import OTHER_CHARGE, Ruleset

TREATMENT_COURT_VALUES = ("none", "pending", "active", "unknown")
PROTECTIVE_ORDER_VALUES = ("no", "yes", "unknown")

# Bounds on hostile input: no real referral comes near them.
MAX_CHARGES = 20
MAX_CONCERNS = 20
MAX_ANSWERS = 20
MAX_DESCRIPTION = 200
MAX_ERRORS = 50
# Dates outside these years are typing mistakes, and keep date arithmetic far from its limits.
MIN_YEAR, MAX_YEAR = 1900, 2199

_FACT_KEYS = frozenset({
    "route", "referrer_org_kind", "contact_date", "person", "charges", "treatment_court_case",
    "protective_order_with_participant", "concerns", "last_eligible_conduct_date", "consent_given",
    "consent_signed_on",
})
# What a form asks when a choice is missing or not one of the allowed values.
_PROMPTS = {
    "route": "Choose the referral route",
    "referrer_org_kind": "Choose the kind of organization making the referral",
    "treatment_court_case": "Choose whether the person has a treatment court case",
    "protective_order_with_participant":
        "Choose whether an order bars the person from contact with a current participant",
}
_PERSON_KEYS = frozenset({"date_of_birth"})
_CHARGE_KEYS = frozenset({"code", "answers", "description"})


class FactsError(ValueError):
    """Facts that break the contract; `errors` is a list of (field path, what to fix)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in self.errors))

    def to_dict(self) -> dict:
        return {"errors": [{"field": f, "message": m} for f, m in self.errors]}


@dataclass(frozen=True, slots=True)
class Person:
    date_of_birth: date


@dataclass(frozen=True, slots=True)
class ChargeFacts:
    """One charge: its code, and the referrer's answers in the ruleset's question order.

    `answers` holds only the questions that were answered (true, false, or None for "not
    known"); a question left out reads as None, which sends the referral to review.
    """

    code: str
    answers: tuple[tuple[str, bool | None], ...] = ()
    description: str | None = None

    def answer(self, qualifier: str) -> bool | None:
        for code, value in self.answers:
            if code == qualifier:
                return value
        return None

    def to_dict(self) -> dict:
        result: dict[str, Any] = {"code": self.code, "answers": dict(self.answers)}
        if self.description is not None:
            result["description"] = self.description
        return result


@dataclass(frozen=True, slots=True)
class Facts:
    route: str
    referrer_org_kind: str
    contact_date: date
    person: Person
    charges: tuple[ChargeFacts, ...]
    treatment_court_case: str
    protective_order_with_participant: str
    concerns: tuple[str, ...]
    last_eligible_conduct_date: date | None
    consent_given: bool
    # The day the person signed: the intake clock starts then (optional; else the screening day).
    consent_signed_on: date | None = None

    def to_dict(self) -> dict:
        last = self.last_eligible_conduct_date
        signed = {"consent_signed_on": _iso(self.consent_signed_on)} if self.consent_signed_on else {}
        return {
            "route": self.route,
            "referrer_org_kind": self.referrer_org_kind,
            "contact_date": self.contact_date.isoformat(),
            "person": {"date_of_birth": self.person.date_of_birth.isoformat()},
            "charges": [c.to_dict() for c in self.charges],
            "treatment_court_case": self.treatment_court_case,
            "protective_order_with_participant": self.protective_order_with_participant,
            "concerns": list(self.concerns),
            "last_eligible_conduct_date": last.isoformat() if last else None,
            "consent_given": self.consent_given,
            **signed,
        }


def parse_facts(data: object, ruleset: Ruleset) -> Facts:
    """Check a JSON value against the contract and the ruleset; raise FactsError listing all problems."""
    if not isinstance(data, dict):
        raise FactsError([("", "Send the facts as a JSON object")])
    p = _Parser(ruleset)
    p.refuse_unknown(data, _FACT_KEYS, "")
    route = p.choice(data, "route", ruleset.route_labels)
    org_kind = p.choice(data, "referrer_org_kind", ruleset.org_kind_labels)
    contact_date = p.date(data, "contact_date", "the contact date", required=True)
    facts = Facts(
        route=route,
        referrer_org_kind=org_kind,
        contact_date=contact_date,
        person=p.person(data, contact_date),
        charges=p.charges(data, route),
        treatment_court_case=p.choice(data, "treatment_court_case", TREATMENT_COURT_VALUES),
        protective_order_with_participant=p.choice(
            data, "protective_order_with_participant", PROTECTIVE_ORDER_VALUES),
        concerns=p.concerns(data),
        last_eligible_conduct_date=p.conduct_date(data, contact_date),
        consent_given=p.consent(data),
        consent_signed_on=(None if data.get("consent_signed_on") is None else p.date(
            data, "consent_signed_on", "the day the consent was signed", required=False)),
    )
    if p.errors:
        raise FactsError(p.errors)
    return facts


class _Parser:
    """Reads one facts object, collecting (field, message) problems instead of stopping."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.errors: list[tuple[str, str]] = []

    def add(self, field: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:  # enough to fix a form; a flood helps nobody
            self.errors.append((field, message))

    def refuse_unknown(self, data: dict, known: frozenset, where: str) -> None:
        for key in data:
            if key not in known:
                self.add(_at(where, _show_key(key)), "Remove this: it is not part of the facts")

    def choice(self, data: dict, key: str, options: Iterable[str]) -> Any:
        value = data.get(key)
        if isinstance(value, str) and value in options:
            return value
        self.add(key, f"{_PROMPTS[key]}: {_one_of(options)}")
        return None

    def date(self, data: Mapping, key: str, thing: str, required: bool, where: str = "") -> Any:
        field = _at(where, key)
        if key not in data:
            if required:
                self.add(field, f"Enter {thing}")
            return None
        value = data[key]
        if not _looks_like_iso_date(value):
            self.add(field, f"Enter {thing} as YYYY-MM-DD")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.add(field, f"Enter {thing} as a real date, as YYYY-MM-DD")
            return None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.add(field, f"Enter {thing} with a year from {MIN_YEAR} to {MAX_YEAR}")
            return None
        return parsed

    def person(self, data: dict, contact_date: date | None) -> Any:
        person = data.get("person")
        if not isinstance(person, dict):
            self.add("person", "Enter the person's details: an object with their date_of_birth")
            return None
        self.refuse_unknown(person, _PERSON_KEYS, "person")
        born = self.date(person, "date_of_birth", "the person's date of birth", True, "person")
        if born and contact_date and born > contact_date:
            self.add("person.date_of_birth", "The date of birth must be on or before the contact date")
            return None
        return Person(born) if born else None

    def charges(self, data: dict, route: str | None) -> Any:
        raw = data.get("charges", [])
        if not isinstance(raw, list):
            self.add("charges", "Send the charges as a list")
            return None
        if len(raw) > MAX_CHARGES:
            self.add("charges", f"Enter at most {MAX_CHARGES} charges")
            return None
        rules = self.ruleset.route(route) if route else None
        if not raw and rules and rules.charge_required:
            self.add("charges", f"Enter at least one charge: a referral by {rules.label.lower()} needs one")
        seen: dict[str, str] = {}
        charges = [self.charge(item, f"charges[{i}]", seen) for i, item in enumerate(raw)]
        return tuple(charges)

    def charge(self, item: Any, where: str, seen: dict[str, str]) -> Any:
        if not isinstance(item, dict):
            self.add(where, "Send each charge as an object with a code and answers")
            return None
        self.refuse_unknown(item, _CHARGE_KEYS, where)
        code = item.get("code")
        if not isinstance(code, str) or not self.ruleset.is_charge_code(code):
            self.add(f"{where}.code", f"Choose a charge from the program's list, or {OTHER_CHARGE!r}")
            return None
        if code in seen:
            self.add(f"{where}.code", f"Remove this charge: it is already entered at {seen[code]}")
        seen[code] = where
        answers = self.answers(item.get("answers", {}), code, f"{where}.answers")
        return ChargeFacts(code, answers, self.description(item, code, where))

    def answers(self, raw: Any, code: str, where: str) -> tuple[tuple[str, bool | None], ...]:
        if not isinstance(raw, dict) or len(raw) > MAX_ANSWERS:
            self.add(where, "Send the answers as an object: each question true, false or null")
            return ()
        charge = self.ruleset.charge(code)
        questions = [q.code for q in charge.qualifiers] if charge else []
        for key, value in raw.items():
            if key not in questions:
                self.add(f"{where}.{_show_key(key)}", "Remove this answer: it is not a question for this charge")
            elif value is not None and not isinstance(value, bool):
                self.add(f"{where}.{key}", "Answer true (yes), false (no) or null (not known)")
        # The ruleset's order, so that equal answers make equal facts however they were sent.
        return tuple((q, raw[q]) for q in questions if q in raw)

    def description(self, item: dict, code: str, where: str) -> str | None:
        if "description" not in item:
            return None
        value = item["description"]
        if code != OTHER_CHARGE:
            self.add(f"{where}.description", f"Remove this: only an {OTHER_CHARGE!r} charge has a description")
        elif not isinstance(value, str) or not value.strip() or len(value) > MAX_DESCRIPTION:
            self.add(f"{where}.description", f"Describe the charge in 1 to {MAX_DESCRIPTION} characters")
        else:
            return value.strip()
        return None

    def concerns(self, data: dict) -> Any:
        raw = data.get("concerns", [])
        labels = self.ruleset.concern_labels
        if not isinstance(raw, list) or len(raw) > MAX_CONCERNS:
            self.add("concerns", f"Send the concerns as a list, each one of: {_one_of(labels)}")
            return None
        for index, concern in enumerate(raw):
            if not isinstance(concern, str) or concern not in labels:
                self.add(f"concerns[{index}]", f"Choose a concern from: {_one_of(labels)}")
            elif concern in raw[:index]:
                self.add(f"concerns[{index}]", "Remove this concern: it is already listed")
        return tuple(raw)

    def conduct_date(self, data: dict, contact_date: date | None) -> date | None:
        if data.get("last_eligible_conduct_date") is None:
            return None  # not known: allowed, and a social contact referral then goes to review
        thing = "the date of the most recent eligible conduct (or null if not known)"
        conduct = self.date(data, "last_eligible_conduct_date", thing, required=False)
        if conduct and contact_date and conduct > contact_date:
            self.add("last_eligible_conduct_date", "The most recent eligible conduct must be on or before the contact date")
        return conduct

    def consent(self, data: dict) -> Any:
        value = data.get("consent_given")
        if not isinstance(value, bool):
            self.add("consent_given", "Say whether the person gave consent: true or false")
        return value


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _looks_like_iso_date(value: Any) -> bool:
    # Python 3.11's fromisoformat also takes "20250101" and week dates; the contract is YYYY-MM-DD.
    return (
        isinstance(value, str) and len(value) == 10 and value.isascii()
        and value[4] == "-" and value[7] == "-"
        and value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit()
    )


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show_key(key: Any) -> str:
    """A key as it can safely appear in a field path: short and printable."""
    text = key if isinstance(key, str) else repr(key)
    short = "".join(ch if ch.isprintable() else "?" for ch in text[:40])
    return short + "..." if len(text) > 40 else short


def _one_of(options: Iterable[str]) -> str:
    names = list(options)
    if not names:
        return "(none are defined in the ruleset)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

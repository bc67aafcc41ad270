"""From a referral's typed answers to the eligibility contract's facts, and its screening."""

from __future__ import annotations

from datetime import date

from portal.eligibility import OTHER_CHARGE, FactsError, Result, Ruleset, parse_facts, screen
from portal.referrals.answers import ARREST, Answers, Charges

AS_FACT = {"yes": True, "no": False, "unknown": None}


def facts_for(answers: Answers, org_kind: str, ruleset: Ruleset, today: date) -> dict:
    """The one translation from what the partner answered to what the engine reads."""
    return {
        "route": answers.route,
        "referrer_org_kind": org_kind,
        "contact_date": answers.contact_date(today).isoformat(),
        "person": {"date_of_birth": _iso(answers.person.date_of_birth)},
        "charges": charge_facts(answers.charges, ruleset),
        "treatment_court_case": answers.exclusions.treatment_court,
        "protective_order_with_participant": answers.exclusions.protective_order,
        "concerns": list(answers.concerns.concerns),
        "last_eligible_conduct_date": (None if answers.route == ARREST
                                       else _iso(answers.charges.last_conduct_date)),
        "consent_given": answers.consent.confirmed,
        "consent_signed_on": _iso(answers.consent.signed_on),
    }


def charge_facts(charges: Charges, ruleset: Ruleset) -> list[dict]:
    """The charges in the JSON contract's shape: every question of the ruleset's charge is
    answered (a question not answered is not known)."""
    facts = []
    for charge in charges.charges:
        fact: dict = {"code": charge.code, "answers": {}}
        if charge.code == OTHER_CHARGE:
            fact["description"] = charge.description or "Not described"
        elif (known := ruleset.charge_by_code.get(charge.code)) is not None:
            fact["answers"] = {q.code: AS_FACT.get(charge.answer(q.code)) for q in known.qualifiers}
        facts.append(fact)
    return facts


def screen_answers(answers: Answers, org_kind: str, ruleset: Ruleset,
                   today: date) -> tuple[dict, Result | None, FactsError | None]:
    facts = facts_for(answers, org_kind, ruleset, today)
    try:
        return facts, screen(parse_facts(facts, ruleset), ruleset, on=today), None
    except FactsError as error:
        return facts, None, error


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

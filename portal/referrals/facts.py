"""From a draft's answers to the eligibility contract's facts, and its screening."""

from __future__ import annotations

from datetime import date

from portal.eligibility import FactsError, Result, Ruleset, parse_facts, screen
from portal.referrals.charges import charge_facts
from portal.referrals.steps import ARREST, contact_date


def facts_for(route: str, org_kind: str, answers: dict, ruleset: Ruleset, today: date) -> dict:
    exclusions = answers.get("exclusions", {})
    charge_page = answers.get("charges" if route == ARREST else "conduct", {})
    conduct_date = None if route == ARREST else charge_page.get("last_conduct_date")
    return {
        "route": route,
        "referrer_org_kind": org_kind,
        "contact_date": contact_date(route, answers, today).isoformat(),
        "person": {"date_of_birth": answers.get("person", {}).get("date_of_birth")},
        "charges": charge_facts(charge_page, ruleset),
        "treatment_court_case": exclusions.get("treatment_court"),
        "protective_order_with_participant": exclusions.get("protective_order"),
        "concerns": list(answers.get("concerns", {}).get("concerns") or []),
        "last_eligible_conduct_date": conduct_date,
        "consent_given": bool(answers.get("consent", {}).get("confirmed")),
    }


def screen_answers(route: str, org_kind: str, answers: dict, ruleset: Ruleset,
                   today: date) -> tuple[dict, Result | None, FactsError | None]:
    facts = facts_for(route, org_kind, answers, ruleset, today)
    try:
        return facts, screen(parse_facts(facts, ruleset), ruleset, on=today), None
    except FactsError as error:
        return facts, None, error

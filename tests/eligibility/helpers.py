"""Facts in the JSON contract that pass every rule; each test changes only what it is about."""

from __future__ import annotations


def facts_dict(**changes) -> dict:
    """An arrest diversion for trespassing that the default ruleset finds eligible."""
    data = {
        "route": "arrest_diversion",
        "referrer_org_kind": "law_enforcement",
        "contact_date": "2025-03-01",
        "person": {"date_of_birth": "1990-06-15"},
        "charges": [{"code": "trespassing", "answers": {}}],
        "treatment_court_case": "none",
        "protective_order_with_participant": "no",
        "concerns": [],
        "last_eligible_conduct_date": None,
        "consent_given": True,
    }
    data.update(changes)
    return data

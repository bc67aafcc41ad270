"""Eligibility screening for LEAD referrals: the ruleset (data), the facts, the engine, the result.

Pure: this package imports the standard library only, so the command line, a background job or
another program can screen a referral without Flask or a database.

    ruleset = default_ruleset()
    facts = parse_facts(json.loads(text), ruleset)   # FactsError lists every problem
    result = screen(facts, ruleset, on=date.today())
    result.to_dict()
"""

from .engine import (
    DECISIONS,
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    NEEDS_REVIEW,
    OUTCOMES,
    PASS,
    REVIEW,
    Finding,
    Result,
    age_on,
    intake_deadline,
    months_after,
    months_before,
    screen,
)
from .facts import (
    PROTECTIVE_ORDER_VALUES,
    TREATMENT_COURT_VALUES,
    ChargeFacts,
    Facts,
    FactsError,
    Person,
    parse_facts,
)
from .loader import default_ruleset, load_ruleset, parse_ruleset
from .ruleset import (
    LEVELS,
    OTHER_CHARGE,
    OTHER_CHARGE_LABEL,
    OTHER_CONDUCT_LABEL,
    Charge,
    DeclineReason,
    Exclusion,
    Qualifier,
    Route,
    Ruleset,
    RulesetError,
    Term,
)

__all__ = [
    "DECISIONS", "ELIGIBLE", "FAIL", "INELIGIBLE", "NEEDS_REVIEW", "OUTCOMES", "PASS", "REVIEW",
    "Finding", "Result", "age_on", "intake_deadline", "months_after", "months_before", "screen",
    "PROTECTIVE_ORDER_VALUES", "TREATMENT_COURT_VALUES",
    "ChargeFacts", "Facts", "FactsError", "Person", "parse_facts",
    "default_ruleset", "load_ruleset", "parse_ruleset",
    "LEVELS", "OTHER_CHARGE", "OTHER_CHARGE_LABEL", "OTHER_CONDUCT_LABEL",
    "Charge", "DeclineReason", "Exclusion", "Qualifier", "Route", "Ruleset", "RulesetError", "Term",
]

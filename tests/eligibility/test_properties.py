"""Properties that hold for every referral, checked on generated facts (and on generated junk)."""

import json
from datetime import date, timedelta

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.eligibility import (
    DECISIONS,
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    OUTCOMES,
    PASS,
    REVIEW,
    FactsError,
    default_ruleset,
    parse_facts,
    screen,
)
from portal.screening_commands import screen as screen_command

RULESET = default_ruleset()
CHARGE_CODES = [c.code for c in RULESET.charges] + ["other"]
QUALIFIED = [(c.code, q.code, q.divertible_answer) for c in RULESET.charges for q in c.qualifiers]

# Modest example counts: the whole eligibility suite runs in seconds on a 2-core machine.
QUICK = settings(max_examples=200, deadline=None, database=None)
SLOW = settings(max_examples=100, deadline=None, database=None)  # each example runs the CLI


@st.composite
def charge_entries(draw, min_size: int):
    codes = draw(st.lists(st.sampled_from(CHARGE_CODES), unique=True, min_size=min_size, max_size=5))
    entries = []
    for code in codes:
        answers = {}
        charge = RULESET.charge(code)
        for qualifier in charge.qualifiers if charge else ():
            answer = draw(st.sampled_from([qualifier.divertible_answer] * 3 + [not qualifier.divertible_answer, None, "missing"]))
            if answer != "missing":
                answers[qualifier.code] = answer
        entry = {"code": code, "answers": answers}
        if code == "other" and draw(st.booleans()):
            entry["description"] = draw(st.text(min_size=1, max_size=30).filter(str.strip))
        entries.append(entry)
    return entries


@st.composite
def valid_facts(draw) -> dict:
    """Facts that satisfy the contract, leaning towards the clean answers so that every
    decision, eligible included, turns up often."""
    route = draw(st.sampled_from(["arrest_diversion", "social_contact"]))
    contact = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=contact))
    last = draw(st.none() | st.dates(min_value=contact - timedelta(days=365 * 4), max_value=contact))
    return {
        "route": route,
        "referrer_org_kind": draw(st.sampled_from(RULESET.route(route).org_kinds * 4 + ("community_partner",))),
        "contact_date": contact.isoformat(),
        "person": {"date_of_birth": born.isoformat()},
        "charges": draw(charge_entries(1 if route == "arrest_diversion" else 0)),
        "treatment_court_case": draw(st.sampled_from(["none"] * 4 + ["pending", "active", "unknown"])),
        "protective_order_with_participant": draw(st.sampled_from(["no"] * 4 + ["yes", "unknown"])),
        "concerns": draw(st.lists(st.sampled_from(list(RULESET.concern_labels)), unique=True, max_size=2)
                         | st.just([])),
        "last_eligible_conduct_date": last.isoformat() if last else None,
        "consent_given": draw(st.sampled_from([True, True, True, False])),
    }


def run(data: dict):
    return screen(parse_facts(data, RULESET), RULESET)


def add_failing_qualifier(data: dict, pick: int) -> dict:
    code, qualifier, divertible = QUALIFIED[pick % len(QUALIFIED)]
    charges = [c for c in data["charges"] if c["code"] != code]
    return {**data, "charges": charges + [{"code": code, "answers": {qualifier: not divertible}}]}


def make_under_age(data: dict, pick: int) -> dict:
    contact = date.fromisoformat(data["contact_date"])
    born = contact - timedelta(days=pick % (365 * 18 - 5))
    return {**data, "person": {"date_of_birth": born.isoformat()}}


def arrest_by_community_partner(data: dict, pick: int) -> dict:
    charges = data["charges"] or [{"code": "trespassing", "answers": {}}]
    return {**data, "route": "arrest_diversion", "referrer_org_kind": "community_partner", "charges": charges}


FAILING_CONDITIONS = [
    lambda d, pick: {**d, "consent_given": False},
    lambda d, pick: {**d, "treatment_court_case": ["pending", "active"][pick % 2]},
    lambda d, pick: {**d, "protective_order_with_participant": "yes"},
    make_under_age,
    arrest_by_community_partner,
    add_failing_qualifier,
]


@QUICK
@given(valid_facts(), st.sampled_from(FAILING_CONDITIONS), st.integers(min_value=0, max_value=10_000))
def test_adding_a_failing_condition_never_makes_a_result_eligible(data, add_condition, pick):
    assert run(add_condition(data, pick)).decision == INELIGIBLE


@QUICK
@given(valid_facts(), st.randoms(use_true_random=False))
def test_the_order_of_charges_never_changes_the_result(data, random):
    shuffled = list(data["charges"])
    random.shuffle(shuffled)
    one, other = run(data), run({**data, "charges": shuffled})
    assert one.decision == other.decision
    assert set(one.findings) == set(other.findings)
    assert one.intake_deadline == other.intake_deadline


@QUICK
@given(valid_facts())
def test_every_finding_explains_itself_and_the_decision_follows_from_them(data):
    result = run(data)
    assert result.findings
    for finding in result.findings:
        assert finding.message.strip() and finding.clause.strip() and finding.rule.strip()
        assert finding.outcome in OUTCOMES
    outcomes = {f.outcome for f in result.findings}
    expected = INELIGIBLE if FAIL in outcomes else (ELIGIBLE if outcomes == {PASS} else "needs_review")
    assert result.decision == expected


@QUICK
@given(valid_facts())
def test_an_unknown_answer_never_leads_to_eligible(data):
    unknown = (
        data["treatment_court_case"] == "unknown"
        or data["protective_order_with_participant"] == "unknown"
        or any(c["code"] == "other" for c in data["charges"])
        or any(len(c["answers"]) < len(RULESET.charge(c["code"]).qualifiers) or None in c["answers"].values()
               for c in data["charges"] if c["code"] != "other")
        or (data["route"] == "social_contact" and data["last_eligible_conduct_date"] is None)
    )
    result = run(data)
    if unknown:
        assert result.decision != ELIGIBLE
        assert any(f.outcome in (REVIEW, FAIL) for f in result.findings)


@QUICK
@given(valid_facts())
def test_facts_round_trip(data):
    facts = parse_facts(data, RULESET)
    assert parse_facts(json.loads(json.dumps(facts.to_dict())), RULESET) == facts


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15,
)


@st.composite
def mutated_facts(draw):
    """Valid facts with one to three things broken: a key removed, a value replaced, a key added."""
    data = draw(valid_facts())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        target = draw(st.sampled_from(_containers(data)))
        if isinstance(target, dict):
            key = draw(st.sampled_from(sorted(target)) | st.text(max_size=8)) if target else draw(st.text(max_size=8))
            if key in target and draw(st.booleans()):
                del target[key]
            else:
                target[key] = draw(json_values)
        else:
            target.append(draw(json_values))
    return data


def _containers(value) -> list:
    found = []
    if isinstance(value, (dict, list)):
        found.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            found.extend(_containers(child))
    return found


@QUICK
@given(json_values | mutated_facts())
def test_parse_facts_raises_only_facts_error(data):
    try:
        facts = parse_facts(data, RULESET)
    except FactsError as exc:
        assert exc.errors and all(message for _, message in exc.errors)
    else:
        assert screen(facts, RULESET).decision in DECISIONS


def check_command(text: str) -> None:
    result = CliRunner().invoke(screen_command, ["-"], input=text, env={"LEAD_RULESET": None},
                                catch_exceptions=False)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stdout == "" and result.stderr.strip()
    else:
        assert json.loads(result.stdout)["decision"] in DECISIONS


@SLOW
@given(json_values)
def test_random_json_never_crashes_the_screen_command(value):
    check_command(json.dumps(value))


@SLOW
@given(mutated_facts())
def test_mutated_facts_never_crash_the_screen_command(data):
    check_command(json.dumps(data))


@SLOW
@given(st.text(max_size=40))
def test_random_text_never_crashes_the_screen_command(text):
    check_command(text)

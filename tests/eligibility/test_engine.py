"""Table-driven tests of the screening rules against the program's own charge table and exclusions."""

from datetime import date
from pathlib import Path

import pytest

import portal.eligibility

from portal.eligibility import (
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    NEEDS_REVIEW,
    PASS,
    REVIEW,
    FactsError,
    age_on,
    default_ruleset,
    months_before,
    parse_facts,
    parse_ruleset,
    screen,
)
from portal.eligibility.loader import DEFAULT_RULESET_NAME
from tests.eligibility.helpers import facts_dict

DEFAULT_TEXT = (Path(portal.eligibility.__file__).parent / DEFAULT_RULESET_NAME).read_text(encoding="utf-8")

# The program description's charge table, row by row: code, level, class, and the answers that
# keep the charge divertible.
PROGRAM_TABLE = [
    ("state_prostitution", "district", None, {}),
    ("df4_possession", "district", None, {"intent_to_distribute": False}),
    ("dm1_possession", "district", None, {"intent_to_distribute": False}),
    ("prostitution", "city_county", None, {}),
    ("shoplifting", "city_county", None, {"restitution_sought": False}),
    ("trespassing", "city_county", None, {}),
    ("disturbing_the_peace", "city_county", None, {"domestic_violence": False}),
    ("public_fighting", "city_county", None, {}),
    ("sit_and_lie", "city_county", "2", {}),
    ("camping", "city_county", "2", {}),
    ("urinating_in_public", "city_county", "2", {}),
    ("panhandling", "city_county", "2", {}),
    ("curfew", "city_county", "2", {}),
    ("obstruction", "city_county", "2", {}),
    ("solicitation", "city_county", "2", {}),
]
QUALIFIED = [(code, q) for code, _, _, answers in PROGRAM_TABLE for q in answers]
CONCERNS = ["violence", "exploitation_of_minors", "promoting_prostitution", "dealing_above_subsistence"]



def social(**changes) -> dict:
    base = {"route": "social_contact", "referrer_org_kind": "community_partner",
            "charges": [{"code": "camping", "answers": {}}], "last_eligible_conduct_date": "2024-12-01"}
    return facts_dict(**{**base, **changes})


def run(data: dict, on: date | None = None):
    ruleset = default_ruleset()
    return screen(parse_facts(data, ruleset), ruleset, on=on)


def outcome(result, clause: str) -> str:
    matches = [f.outcome for f in result.findings if f.clause == clause]
    assert len(matches) == 1, (clause, result.findings)
    return matches[0]


def test_the_catalogue_holds_every_row_of_the_program_table():
    ruleset = default_ruleset()
    rows = [(c.code, c.level, c.charge_class, {q.code: q.divertible_answer for q in c.qualifiers})
            for c in ruleset.charges]
    assert rows == PROGRAM_TABLE


@pytest.mark.parametrize("code,level,charge_class,answers", PROGRAM_TABLE, ids=[r[0] for r in PROGRAM_TABLE])
def test_every_program_charge_is_divertible(code, level, charge_class, answers):
    result = run(facts_dict(charges=[{"code": code, "answers": answers}]))
    assert result.decision == ELIGIBLE
    assert outcome(result, f"charges.{code}") == PASS
    for qualifier in answers:
        assert outcome(result, f"charges.{code}.qualifiers.{qualifier}") == PASS


@pytest.mark.parametrize("code,level,charge_class,answers", PROGRAM_TABLE, ids=[r[0] for r in PROGRAM_TABLE])
def test_every_program_charge_names_eligible_conduct_for_social_contact(code, level, charge_class, answers):
    assert run(social(charges=[{"code": code, "answers": answers}])).decision == ELIGIBLE


@pytest.mark.parametrize("code,qualifier", QUALIFIED, ids=[f"{c}-{q}" for c, q in QUALIFIED])
def test_a_failing_qualifier_makes_the_charge_ineligible(code, qualifier):
    # DF4/DM1 with intent to distribute, shoplifting with restitution, disturbing the peace with DV.
    result = run(facts_dict(charges=[{"code": code, "answers": {qualifier: True}}]))
    assert result.decision == INELIGIBLE
    assert outcome(result, f"charges.{code}.qualifiers.{qualifier}") == FAIL
    assert [f.clause for f in result.failures] == [f"charges.{code}.qualifiers.{qualifier}"]


@pytest.mark.parametrize("code,qualifier", QUALIFIED, ids=[f"{c}-{q}" for c, q in QUALIFIED])
@pytest.mark.parametrize("answers", ["null", "missing"])
def test_an_unknown_qualifier_answer_needs_review(code, qualifier, answers):
    given = {qualifier: None} if answers == "null" else {}
    result = run(facts_dict(charges=[{"code": code, "answers": given}]))
    assert result.decision == NEEDS_REVIEW
    assert outcome(result, f"charges.{code}.qualifiers.{qualifier}") == REVIEW


def test_one_eligible_and_one_ineligible_charge_is_ineligible():
    charges = [{"code": "trespassing", "answers": {}},
               {"code": "shoplifting", "answers": {"restitution_sought": True}}]
    result = run(facts_dict(charges=charges))
    assert result.decision == INELIGIBLE
    assert outcome(result, "charges.trespassing") == PASS


@pytest.mark.parametrize("date_of_birth,decision", [
    ("2007-03-01", ELIGIBLE),     # 18th birthday on the contact date
    ("2007-03-02", INELIGIBLE),   # contact date is the day before the 18th birthday
    ("2007-02-28", ELIGIBLE),
    ("2025-03-01", INELIGIBLE),   # born that day
], ids=["18th-birthday", "day-before-18th", "18-and-a-day", "newborn"])
def test_minimum_age_on_the_contact_date(date_of_birth, decision):
    result = run(facts_dict(person={"date_of_birth": date_of_birth}))
    assert result.decision == decision
    assert outcome(result, "exclusions.minimum_age") == (PASS if decision == ELIGIBLE else FAIL)


@pytest.mark.parametrize("contact,decision", [
    ("2022-02-28", INELIGIBLE),  # a 29 February baby turns 18 on 1 March in a common year
    ("2022-03-01", ELIGIBLE),
    ("2024-02-28", ELIGIBLE),
])
def test_a_29_february_birthday(contact, decision):
    assert run(facts_dict(contact_date=contact, person={"date_of_birth": "2004-02-29"})).decision == decision


def test_age_on_counts_whole_years():
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert age_on(date(2000, 2, 29), date(2020, 2, 29)) == 20


@pytest.mark.parametrize("case,decision,result_outcome", [
    ("none", ELIGIBLE, PASS), ("pending", INELIGIBLE, FAIL), ("active", INELIGIBLE, FAIL),
    ("unknown", NEEDS_REVIEW, REVIEW),
])
def test_treatment_court_case(case, decision, result_outcome):
    result = run(facts_dict(treatment_court_case=case))
    assert (result.decision, outcome(result, "exclusions.treatment_court")) == (decision, result_outcome)


@pytest.mark.parametrize("order,decision,result_outcome", [
    ("no", ELIGIBLE, PASS), ("yes", INELIGIBLE, FAIL), ("unknown", NEEDS_REVIEW, REVIEW),
])
def test_order_barring_contact_with_a_participant(order, decision, result_outcome):
    result = run(facts_dict(protective_order_with_participant=order))
    assert (result.decision, outcome(result, "exclusions.protective_order")) == (decision, result_outcome)


def test_consent_not_given_is_ineligible():
    result = run(facts_dict(consent_given=False))
    assert result.decision == INELIGIBLE
    assert outcome(result, "exclusions.no_consent") == FAIL


def test_a_community_partner_cannot_use_arrest_diversion():
    result = run(facts_dict(referrer_org_kind="community_partner"))
    assert result.decision == INELIGIBLE
    assert outcome(result, "routes.arrest_diversion.org_kinds") == FAIL
    assert "Social contact referral" in result.failures[0].message  # says what to use instead


@pytest.mark.parametrize("org_kind", ["law_enforcement", "community_partner"])
def test_every_partner_may_make_a_social_contact_referral(org_kind):
    result = run(social(referrer_org_kind=org_kind))
    assert result.decision == ELIGIBLE
    assert outcome(result, "routes.social_contact.org_kinds") == PASS


def test_an_arrest_diversion_with_no_charge_is_invalid_input():
    with pytest.raises(FactsError) as caught:
        run(facts_dict(charges=[]))
    assert [field for field, _ in caught.value.errors] == ["charges"]


def test_an_other_charge_needs_review():
    charges = [{"code": "other", "answers": {}, "description": "Littering"}]
    result = run(facts_dict(charges=charges))
    assert result.decision == NEEDS_REVIEW
    assert outcome(result, "charges") == REVIEW
    assert "Littering" in result.reviews[0].message


@pytest.mark.parametrize("concern", CONCERNS)
def test_each_concern_needs_review(concern):
    result = run(facts_dict(concerns=[concern]))
    assert result.decision == NEEDS_REVIEW
    assert outcome(result, f"concerns.{concern}") == REVIEW


def test_one_finding_per_concern():
    result = run(facts_dict(concerns=CONCERNS))
    assert [f.clause for f in result.reviews] == [f"concerns.{c}" for c in CONCERNS]


@pytest.mark.parametrize("last_conduct,decision", [
    ("2023-04-30", ELIGIBLE),      # 23 months before 2025-03-31
    ("2023-03-31", ELIGIBLE),      # exactly 24 months: still inside the look-back
    ("2023-03-30", NEEDS_REVIEW),  # a day older
    ("2023-02-28", NEEDS_REVIEW),  # 25 months before
    (None, NEEDS_REVIEW),          # not known
    ("2025-03-31", ELIGIBLE),      # the contact day itself
])
def test_social_contact_conduct_look_back(last_conduct, decision):
    result = run(social(contact_date="2025-03-31", last_eligible_conduct_date=last_conduct))
    assert result.decision == decision
    expected = PASS if decision == ELIGIBLE else REVIEW
    assert outcome(result, "routes.social_contact.conduct_lookback_months") == expected


def test_arrest_diversion_has_no_look_back():
    result = run(facts_dict(last_eligible_conduct_date="2001-01-01"))
    assert result.decision == ELIGIBLE
    assert not any("lookback" in f.clause for f in result.findings)


def test_social_contact_charges_are_screened_the_same_way():
    charges = [{"code": "dm1_possession", "answers": {"intent_to_distribute": True}}]
    assert run(social(charges=charges)).decision == INELIGIBLE


def test_months_before_uses_calendar_months():
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2025, 3, 15), 24) == date(2023, 3, 15)
    assert months_before(date(2025, 1, 10), 13) == date(2023, 12, 10)


def test_intake_deadline_counts_from_the_referral_day_without_a_signing_day():
    assert run(facts_dict()).intake_deadline == date(2025, 3, 31)  # default: the contact date
    assert run(facts_dict(), on=date(2025, 3, 3)).intake_deadline == date(2025, 4, 2)
    assert run(social()).intake_deadline is None


def test_intake_deadline_counts_from_the_day_the_consent_was_signed():
    """Submitted days after the signing: the clock the consent text describes ("30 days after
    the day you sign") is the one the engine sets."""
    signed = facts_dict(consent_signed_on="2025-03-02")
    assert run(signed, on=date(2025, 3, 9)).intake_deadline == date(2025, 4, 1)
    assert portal.eligibility.intake_deadline(default_ruleset().route("arrest_diversion"),
                                              date(2025, 3, 2)) == date(2025, 4, 1)
    assert parse_facts(signed, default_ruleset()).to_dict()["consent_signed_on"] == "2025-03-02"


def test_a_consent_signed_after_the_screening_day_is_refused():
    with pytest.raises(FactsError) as raised:
        run(facts_dict(consent_signed_on="2025-03-10"), on=date(2025, 3, 9))
    assert [field for field, _ in raised.value.errors] == ["consent_signed_on"]


def test_the_result_names_the_ruleset_and_follows_the_contract():
    ruleset = default_ruleset()
    result = run(facts_dict(concerns=["violence"]))
    data = result.to_dict()
    assert set(data) == {"decision", "findings", "ruleset", "intake_deadline", "respond_by"}
    assert data["ruleset"] == {"id": ruleset.id, "version": ruleset.version, "sha256": ruleset.sha256}
    assert data["intake_deadline"] == "2025-03-31"
    assert data["respond_by"] is None  # arrest diversion: the intake deadline orders it
    for finding in data["findings"]:
        assert set(finding) == {"rule", "outcome", "message", "clause"}
        assert finding["message"] and finding["clause"] and finding["outcome"] in (PASS, FAIL, REVIEW)


def test_the_decision_takes_the_worst_outcome():
    # A fail outranks a review: ineligible, whatever else needs review.
    result = run(facts_dict(consent_given=False, treatment_court_case="unknown", concerns=["violence"]))
    assert result.decision == INELIGIBLE
    assert {f.outcome for f in result.findings} == {PASS, FAIL, REVIEW}


def test_a_social_contact_referral_naming_no_eligible_conduct_is_ineligible():
    result = run(social(charges=[]))
    assert result.decision == INELIGIBLE
    assert outcome(result, "routes.social_contact.conduct_required") == FAIL
    assert "eligible conduct" in result.failures[0].message


def test_a_social_contact_referral_naming_other_conduct_is_reviewed_not_refused():
    result = run(social(charges=[{"code": "other", "answers": {}, "description": "Loitering"}]))
    assert result.decision == NEEDS_REVIEW
    assert not any(f.rule == "conduct" for f in result.findings)


@pytest.mark.parametrize("on,decision", [
    (date(2025, 3, 1), ELIGIBLE),      # the arrest day itself
    (date(2025, 3, 8), ELIGIBLE),      # exactly 7 days later: still within
    (date(2025, 3, 9), NEEDS_REVIEW),  # 8 days
    (date(2025, 6, 1), NEEDS_REVIEW),
])
def test_an_arrest_older_than_the_maximum_delay_needs_review(on, decision):
    result = run(facts_dict(contact_date="2025-03-01"), on=on)
    assert result.decision == decision
    expected = PASS if decision == ELIGIBLE else REVIEW
    assert outcome(result, "routes.arrest_diversion.max_arrest_age_days") == expected


def test_the_maximum_arrest_delay_is_read_from_the_ruleset():
    text = DEFAULT_TEXT.replace("max_arrest_age_days = 7", "max_arrest_age_days = 10")
    ruleset = parse_ruleset(text.encode())
    facts = parse_facts(facts_dict(contact_date="2025-03-01"), ruleset)
    assert screen(facts, ruleset, on=date(2025, 3, 11)).decision == ELIGIBLE
    assert screen(facts, ruleset, on=date(2025, 3, 12)).decision == NEEDS_REVIEW
    without = parse_ruleset(DEFAULT_TEXT.replace("max_arrest_age_days = 7\n", "").encode())
    late = screen(parse_facts(facts_dict(contact_date="2025-03-01"), without), without, on=date(2026, 1, 1))
    assert late.decision == ELIGIBLE
    assert not any(f.rule == "arrest_age" for f in late.findings)


def test_social_contact_has_no_arrest_delay():
    result = run(social(contact_date="2025-03-01"), on=date(2025, 6, 1))
    assert not any(f.rule == "arrest_age" for f in result.findings)


@pytest.mark.parametrize("last_conduct,decision", [
    ("2008-06-14", NEEDS_REVIEW),  # the day before the 18th birthday (born 1990-06-15)
    ("2008-06-15", ELIGIBLE),      # the 18th birthday itself
])
def test_conduct_before_the_person_turned_18_needs_review(last_conduct, decision):
    # The look-back is widened so that only the age at the conduct decides.
    text = DEFAULT_TEXT.replace("conduct_lookback_months = 24", "conduct_lookback_months = 1200")
    ruleset = parse_ruleset(text.encode())
    facts = parse_facts(social(last_eligible_conduct_date=last_conduct), ruleset)
    result = screen(facts, ruleset)
    assert result.decision == decision
    expected = PASS if decision == ELIGIBLE else REVIEW
    assert [f.outcome for f in result.findings if f.rule == "conduct_age"] == [expected]


def test_conduct_age_follows_the_ruleset_minimum_age():
    text = DEFAULT_TEXT.replace("years = 18", "years = 21").replace(
        "conduct_lookback_months = 24", "conduct_lookback_months = 1200")
    ruleset = parse_ruleset(text.encode())
    facts = parse_facts(social(last_eligible_conduct_date="2010-06-15"), ruleset)  # aged 20
    assert screen(facts, ruleset).decision == NEEDS_REVIEW


@pytest.mark.parametrize("changes,field", [
    ({"contact_date": "2025-03-02"}, "contact_date"),
    ({"route": "social_contact", "referrer_org_kind": "community_partner",
      "contact_date": "2025-03-05", "last_eligible_conduct_date": "2025-03-04"}, "contact_date"),
])
def test_a_date_after_the_screening_day_is_refused_not_screened(changes, field):
    data = facts_dict(**changes)
    with pytest.raises(FactsError) as caught:
        run(data, on=date(2025, 3, 1))
    fields = [f for f, _ in caught.value.errors]
    assert field in fields
    if data["last_eligible_conduct_date"]:
        assert "last_eligible_conduct_date" in fields
    assert "screening day (2025-03-01)" in caught.value.errors[0][1]


def test_dates_on_the_screening_day_are_screened():
    result = run(social(contact_date="2025-03-01", last_eligible_conduct_date="2025-03-01"),
                 on=date(2025, 3, 1))
    assert result.decision == ELIGIBLE


def test_social_contact_gets_a_response_target():
    assert run(social(contact_date="2025-03-01")).respond_by == date(2025, 3, 15)
    assert run(social(contact_date="2025-03-01"), on=date(2025, 3, 4)).respond_by == date(2025, 3, 18)
    assert run(social()).to_dict()["respond_by"] == run(social()).respond_by.isoformat()
    assert run(facts_dict()).respond_by is None

"""The facts contract: what parse_facts accepts, and how it says what to fix."""

import dataclasses
import json
from datetime import date

import pytest

from portal.eligibility import (
    ChargeFacts,
    Facts,
    FactsError,
    Person,
    default_ruleset,
    parse_facts,
)
from tests.eligibility import helpers


def facts_dict(**changes) -> dict:
    """Valid facts with a charge that has a qualifier, answered the divertible way."""
    charges = [{"code": "shoplifting", "answers": {"restitution_sought": False}}]
    return helpers.facts_dict(**{"charges": charges, **changes})



def errors_for(data) -> dict[str, str]:
    with pytest.raises(FactsError) as caught:
        parse_facts(data, default_ruleset())
    errors = caught.value.errors
    assert all(field is not None and message for field, message in errors)
    return dict(errors)


def test_valid_facts_parse_to_typed_values():
    facts = parse_facts(facts_dict(concerns=["violence"]), default_ruleset())
    assert facts == Facts(
        route="arrest_diversion",
        referrer_org_kind="law_enforcement",
        contact_date=date(2025, 3, 1),
        person=Person(date(1990, 6, 15)),
        charges=(ChargeFacts("shoplifting", (("restitution_sought", False),)),),
        treatment_court_case="none",
        protective_order_with_participant="no",
        concerns=("violence",),
        last_eligible_conduct_date=None,
        consent_given=True,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.route = "social_contact"
    hash(facts)  # frozen all the way down: usable as a key


@pytest.mark.parametrize("data", [
    facts_dict(),
    facts_dict(charges=[{"code": "other", "answers": {}, "description": "Littering"},
                        {"code": "df4_possession", "answers": {"intent_to_distribute": None}},
                        {"code": "disturbing_the_peace", "answers": {}}],
               concerns=["violence", "dealing_above_subsistence"]),
    facts_dict(route="social_contact", referrer_org_kind="community_partner", charges=[],
               last_eligible_conduct_date="2024-01-31", treatment_court_case="unknown",
               protective_order_with_participant="unknown", consent_given=False),
])
def test_facts_round_trip_through_json(data):
    ruleset = default_ruleset()
    facts = parse_facts(data, ruleset)
    assert parse_facts(json.loads(json.dumps(facts.to_dict())), ruleset) == facts
    assert facts.to_dict() == data


def test_optional_keys_have_defaults():
    data = facts_dict()
    for key in ("concerns", "last_eligible_conduct_date"):
        del data[key]
    del data["charges"][0]["answers"]
    facts = parse_facts(data, default_ruleset())
    assert (facts.concerns, facts.last_eligible_conduct_date, facts.charges[0].answers) == ((), None, ())


def test_a_charge_answer_left_out_reads_as_not_known():
    ruleset = default_ruleset()
    one = parse_facts(facts_dict(charges=[{"code": "dm1_possession", "answers": {"intent_to_distribute": False}}]), ruleset)
    assert one.charges[0].answer("intent_to_distribute") is False
    assert one.charges[0].answer("not_asked") is None


@pytest.mark.parametrize("data", [None, [], "facts", 3, True])
def test_facts_must_be_an_object(data):
    assert errors_for(data) == {"": "Send the facts as a JSON object"}


@pytest.mark.parametrize("key", [
    "route", "referrer_org_kind", "contact_date", "person", "treatment_court_case",
    "protective_order_with_participant", "consent_given",
])
def test_required_keys(key):
    data = facts_dict()
    del data[key]
    assert list(errors_for(data)) == [key if key != "person" else "person"]


def test_every_problem_is_reported_at_once():
    data = facts_dict(route="bus", contact_date="yesterday", consent_given="yes", colour="red",
                      concerns=["violence", "violence", "theft"])
    assert set(errors_for(data)) == {
        "route", "contact_date", "consent_given", "colour", "concerns[1]", "concerns[2]",
    }


@pytest.mark.parametrize("value,message", [
    ("2025/03/01", "Enter the contact date as YYYY-MM-DD"),
    ("20250301", "Enter the contact date as YYYY-MM-DD"),   # ISO basic form: not the contract
    ("2025-W09-6", "Enter the contact date as YYYY-MM-DD"),
    ("1.5.2025", "Enter the contact date as YYYY-MM-DD"),
    (20250301, "Enter the contact date as YYYY-MM-DD"),
    (None, "Enter the contact date as YYYY-MM-DD"),
    ("2025-02-30", "Enter the contact date as a real date, as YYYY-MM-DD"),
    ("2025-13-01", "Enter the contact date as a real date, as YYYY-MM-DD"),
    ("0001-01-01", "Enter the contact date with a year from 1900 to 2199"),
    ("9999-12-31", "Enter the contact date with a year from 1900 to 2199"),
])
def test_contact_date_must_be_a_real_iso_date(value, message):
    assert errors_for(facts_dict(contact_date=value)) == {"contact_date": message}


def test_date_of_birth_errors_name_the_nested_field():
    assert errors_for(facts_dict(person={"date_of_birth": "15/06/1990"})) == {
        "person.date_of_birth": "Enter the person's date of birth as YYYY-MM-DD"}
    assert errors_for(facts_dict(person={})) == {"person.date_of_birth": "Enter the person's date of birth"}
    assert errors_for(facts_dict(person={"date_of_birth": "1990-01-01", "name": "X"})) == {
        "person.name": "Remove this: it is not part of the facts"}
    assert list(errors_for(facts_dict(person="1990-01-01"))) == ["person"]


def test_date_of_birth_after_the_contact_date_is_refused():
    errors = errors_for(facts_dict(person={"date_of_birth": "2025-03-02"}))
    assert errors == {"person.date_of_birth": "The date of birth must be on or before the contact date"}


def test_unknown_charge_codes_and_questions_are_refused():
    charges = [
        {"code": "shoplifting", "answers": {"restitution_sought": False}},
        {"code": "trespassing", "answers": {"intent_to_distribute": False}},
        {"code": "jaywalking", "answers": {}},
        {"code": "dm1_possession", "answers": {"intent_to_distribute": "no"}},
        {"code": "other", "answers": {"restitution_sought": False}},
        "camping",
        {"code": "camping", "answer": {}},
    ]
    assert errors_for(facts_dict(charges=charges)) == {
        "charges[1].answers.intent_to_distribute": "Remove this answer: it is not a question for this charge",
        "charges[2].code": "Choose a charge from the program's list, or 'other'",
        "charges[3].answers.intent_to_distribute": "Answer true (yes), false (no) or null (not known)",
        "charges[4].answers.restitution_sought": "Remove this answer: it is not a question for this charge",
        "charges[5]": "Send each charge as an object with a code and answers",
        "charges[6].answer": "Remove this: it is not part of the facts",
    }


def test_duplicate_charges_are_refused():
    charges = [{"code": "trespassing"}, {"code": "camping"}, {"code": "trespassing"}]
    assert errors_for(facts_dict(charges=charges)) == {
        "charges[2].code": "Remove this charge: it is already entered at charges[0]"}


def test_charge_lists_are_bounded():
    charges = [{"code": "other", "description": f"charge {i}"} for i in range(21)]
    assert errors_for(facts_dict(charges=charges)) == {"charges": "Enter at most 20 charges"}
    assert errors_for(facts_dict(charges={"code": "camping"})) == {"charges": "Send the charges as a list"}


def test_an_arrest_diversion_needs_a_charge_but_social_contact_does_not():
    errors = errors_for(facts_dict(charges=[]))
    assert list(errors) == ["charges"] and errors["charges"].startswith("Enter at least one charge")
    social = facts_dict(route="social_contact", charges=[])
    del social["charges"]
    assert parse_facts(social, default_ruleset()).charges == ()


def test_only_an_other_charge_takes_a_description():
    assert list(errors_for(facts_dict(charges=[{"code": "camping", "description": "tent"}]))) == [
        "charges[0].description"]
    for bad in ("", "   ", "x" * 201, 5):
        assert list(errors_for(facts_dict(charges=[{"code": "other", "description": bad}]))) == [
            "charges[0].description"]
    facts = parse_facts(facts_dict(charges=[{"code": "other", "description": "  Littering "}]), default_ruleset())
    assert facts.charges[0].description == "Littering"


@pytest.mark.parametrize("key,value", [
    ("treatment_court_case", "maybe"), ("treatment_court_case", None),
    ("protective_order_with_participant", True), ("route", ["arrest_diversion"]),
    ("referrer_org_kind", "prosecutor"), ("consent_given", 1), ("consent_given", None),
])
def test_choices_must_be_from_the_contract(key, value):
    assert list(errors_for(facts_dict(**{key: value}))) == [key]


def test_concerns_come_from_the_ruleset():
    errors = errors_for(facts_dict(concerns=["violence", "arson", 7]))
    assert set(errors) == {"concerns[1]", "concerns[2]"}
    assert "exploitation_of_minors" in errors["concerns[1]"]  # the message lists the choices
    assert list(errors_for(facts_dict(concerns="violence"))) == ["concerns"]


def test_last_conduct_date_is_checked():
    assert errors_for(facts_dict(last_eligible_conduct_date="2025-03-02")) == {
        "last_eligible_conduct_date": "The most recent eligible conduct must be on or before the contact date"}
    assert list(errors_for(facts_dict(last_eligible_conduct_date="last year"))) == ["last_eligible_conduct_date"]


def test_hostile_keys_are_shortened_in_field_paths():
    errors = errors_for(facts_dict(**{"x" * 5000: 1, "bad\nkey": 2}))
    assert "x" * 40 + "..." in errors and "bad?key" in errors


def test_a_flood_of_problems_is_capped():
    data = facts_dict(**{f"key{i}": i for i in range(500)})
    with pytest.raises(FactsError) as caught:
        parse_facts(data, default_ruleset())
    assert len(caught.value.errors) == 50


def test_facts_error_as_json():
    with pytest.raises(FactsError) as caught:
        parse_facts(facts_dict(route="bus"), default_ruleset())
    assert caught.value.to_dict() == {"errors": [
        {"field": "route", "message": "Choose the referral route: arrest_diversion or social_contact"}]}
    assert str(caught.value).startswith("route: Choose the referral route")

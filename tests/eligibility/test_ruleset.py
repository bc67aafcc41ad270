"""Loading the ruleset: the packaged default, strict checking of a program's own copy, the sha256."""

import hashlib
import importlib.resources
import json
from datetime import date

import pytest

from portal.eligibility import (
    LEVELS,
    RulesetError,
    default_ruleset,
    load_ruleset,
    parse_facts,
    parse_ruleset,
    screen,
)

DEFAULT_BYTES = importlib.resources.files("portal.eligibility").joinpath("default_ruleset.toml").read_bytes()
DEFAULT_TEXT = DEFAULT_BYTES.decode("utf-8")

FACTS = {
    "route": "arrest_diversion", "referrer_org_kind": "law_enforcement", "contact_date": "2025-03-01",
    "person": {"date_of_birth": "1990-06-15"}, "charges": [{"code": "camping", "answers": {}}],
    "treatment_court_case": "none", "protective_order_with_participant": "no", "consent_given": True,
}


def problems(text: str) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text.encode("utf-8"), source="test.toml")
    assert caught.value.errors
    return caught.value.errors


def edited(old: str, new: str, count: int = 1) -> str:
    assert old in DEFAULT_TEXT, old
    return DEFAULT_TEXT.replace(old, new, count)


def test_the_default_ruleset_loads():
    ruleset = load_ruleset()
    assert (ruleset.id, ruleset.version, ruleset.effective_date) == ("lead-default", "2026.1", date(2025, 1, 1))
    assert len(ruleset.charges) == 15
    assert ruleset.minimum_age == 18
    assert [c.code for c in ruleset.concerns] == [
        "violence", "exploitation_of_minors", "promoting_prostitution", "dealing_above_subsistence"]
    assert ruleset.sha256 == hashlib.sha256(DEFAULT_BYTES).hexdigest()


def test_default_ruleset_is_read_once():
    assert default_ruleset() is default_ruleset()


def test_routes_and_deadlines():
    ruleset = default_ruleset()
    assert [r.code for r in ruleset.routes_for("law_enforcement")] == ["arrest_diversion", "social_contact"]
    assert [r.code for r in ruleset.routes_for("community_partner")] == ["social_contact"]
    assert ruleset.routes_for("nobody") == ()
    assert ruleset.route("arrest_diversion").intake_deadline_days == 30
    assert ruleset.route("social_contact").conduct_lookback_months == 24
    assert ruleset.route("arrest_diversion").max_arrest_age_days == 7
    assert ruleset.route("social_contact").response_target_days == 14
    assert ruleset.route("social_contact").conduct_required is True
    assert ruleset.route("arrest_diversion").conduct_required is False
    assert ruleset.deadlines() == {
        "arrest_diversion": {"intake_deadline_days": 30, "max_arrest_age_days": 7},
        "social_contact": {"conduct_lookback_months": 24, "response_target_days": 14}}


def test_helpers_for_the_forms():
    ruleset = default_ruleset()
    grouped = ruleset.charges_by_level()
    assert list(grouped) == list(LEVELS) == ["district", "city_county"]
    assert [c.code for c in grouped["district"]] == ["state_prostitution", "df4_possession", "dm1_possession"]
    assert len(grouped["city_county"]) == 12
    assert ruleset.concern_labels["violence"] == "Violence or a threat of violence"
    assert ruleset.route_labels == {"arrest_diversion": "Arrest diversion", "social_contact": "Social contact referral"}
    assert ruleset.org_kind_labels["community_partner"] == "Community partner"
    assert list(ruleset.decline_reason_labels) == [
        "not_eligible_charge", "excluded_treatment_court", "excluded_protective_order", "under_18",
        "no_consent", "duplicate", "prosecutor_objection", "victim_objection", "charges_filed",
        "outside_jurisdiction", "not_amenable", "referred_elsewhere", "unable_to_locate",
        "declined_by_person", "program_capacity", "consent_revoked", "other"]
    assert ruleset.charge_label("other") == "Another charge, not on this list"
    assert ruleset.charge("df4_possession").qualifier("intent_to_distribute").divertible_answer is False
    assert "drug felony, level 4" in ruleset.charge("df4_possession").note
    assert "drug misdemeanor, level 1" in ruleset.charge("dm1_possession").note
    assert ruleset.is_charge_code("other") and not ruleset.is_charge_code("jaywalking")


def test_to_dict_is_json_and_holds_everything():
    data = json.loads(json.dumps(default_ruleset().to_dict()))
    assert [c["code"] for c in data["charges"]] == [c.code for c in default_ruleset().charges]
    shoplifting = next(c for c in data["charges"] if c["code"] == "shoplifting")
    assert shoplifting == {
        "code": "shoplifting", "label": "Shoplifting", "level": "city_county", "class": None,
        "qualifiers": [{"code": "restitution_sought", "divertible_answer": False,
                        "question": "Is the store or owner seeking restitution (repayment for the loss)?",
                        "conduct_question": None}],
        "note": shoplifting["note"], "conduct": "Taking things from a store without paying",
    }
    assert data["exclusions"]["minimum_age"] == 18
    assert [e["code"] for e in data["exclusions"]["rules"]] == [
        "minimum_age", "treatment_court", "protective_order", "no_consent"]
    assert {"concerns", "routes", "deadlines", "decline_reasons", "organisation_kinds"} <= set(data)


@pytest.mark.parametrize("old,new", [
    ('version = "2026.1"', 'version = "2025.2"'),
    ('label = "Trespassing"', 'label = "Trespassinf"'),
    ("# The LEAD program's", "# The LEAD programs"),  # even a comment: the bytes are what was used
])
def test_changing_one_byte_changes_the_sha256_in_results(tmp_path, old, new):
    changed = tmp_path / "ruleset.toml"
    changed.write_bytes(DEFAULT_BYTES.replace(old.encode(), new.encode(), 1))
    assert changed.read_bytes() != DEFAULT_BYTES
    results = []
    for ruleset in (default_ruleset(), load_ruleset(changed)):
        results.append(screen(parse_facts(FACTS, ruleset), ruleset).to_dict()["ruleset"])
    assert results[0]["sha256"] != results[1]["sha256"]
    assert results[1]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()


def test_a_copy_of_the_default_loads_from_a_path(tmp_path):
    copy = tmp_path / "copy.toml"
    copy.write_bytes(DEFAULT_BYTES)
    assert load_ruleset(copy).sha256 == default_ruleset().sha256
    assert load_ruleset(str(copy)).to_dict() == default_ruleset().to_dict()


def test_unknown_keys_are_refused():
    assert problems(edited('label = "Shoplifting"', 'label = "Shoplifting"\ncolour = "red"')) == [
        "charges[4]: unknown key 'colour'"]
    assert problems("colour = 1\n" + DEFAULT_TEXT) == ["unknown key 'colour'"]


def test_duplicate_codes_are_refused():
    assert problems(edited('code = "camping"', 'code = "sit_and_lie"')) == [
        "charges[9].code: duplicate code 'sit_and_lie' (first used at charges[8])"]
    text = edited('code = "violence"', 'code = "exploitation_of_minors"')
    assert problems(text) == [
        "concerns[1].code: duplicate code 'exploitation_of_minors' (first used at concerns[0])"]


def test_wrong_types_are_refused():
    assert problems(edited("intake_deadline_days = 30", 'intake_deadline_days = "30"')) == [
        "routes[0].intake_deadline_days: must be a whole number, not text"]
    assert problems(edited("divertible_answer = false", 'divertible_answer = "no"')) == [
        "charges[1].qualifiers[0].divertible_answer: must be true or false, not text"]
    assert problems(edited("effective_date = 2025-01-01", 'effective_date = "2025-01-01"')) == [
        "effective_date: must be a date like 2025-01-01, not text"]
    assert problems(edited("years = 18", "years = true")) == [
        "exclusions.minimum_age.years: must be a whole number, not true/false"]


def test_a_qualifier_needs_its_divertible_answer():
    assert problems(edited("divertible_answer = false\n", "")) == [
        "charges[1].qualifiers[0]: 'divertible_answer' is required"]


def test_levels_are_district_or_city_county():
    assert problems(edited('level = "district"', 'level = "state"')) == [
        "charges[0].level: must be one of 'district', 'city_county', not 'state'"]


def test_every_problem_is_collected():
    text = edited('code = "camping"', 'code = "Camping!"')
    text = text.replace("conduct_lookback_months = 24", "conduct_lookback_months = 0")
    text = text.replace('org_kinds = ["law_enforcement"]', 'org_kinds = ["prosecutor"]')
    text = text.replace('version = "2026.1"\n', "")
    text = text.replace('[exclusions.no_consent]\nlabel = "No consent"\n', "[exclusions.no_consent]\n")
    assert problems(text) == [
        "'version' is required",
        "routes[0].org_kinds: 'prosecutor' is not one of the organisation_kinds",
        "routes[1].conduct_lookback_months: must be from 1 to 1200, not 0",
        "exclusions.no_consent: 'label' is required",
        "charges[9].code: 'Camping!' is not a code: use lowercase letters, digits and _, starting with a letter",
    ]


@pytest.mark.parametrize("text,expected", [
    ("id = ", "not valid TOML"),
    ('id = "x"\n[charges]\ncode = 1', "charges: must be an array of tables ([[charges]]), not a table"),
    ('id = "x"\ncharges = []', "charges: must have at least one entry"),
])
def test_broken_files_are_reported(text, expected):
    assert any(expected in problem for problem in problems(text))


def test_the_other_code_is_reserved():
    assert "charges[5].code: 'other' is reserved for charges not in the catalog" in problems(
        edited('code = "trespassing"', 'code = "other"'))


def test_exclusions_are_a_fixed_set():
    text = edited("[exclusions.no_consent]", "[exclusions.no_hat]")
    assert problems(text) == ["exclusions: unknown key 'no_hat'", "exclusions: 'no_consent' is required"]


def test_unreadable_files(tmp_path):
    with pytest.raises(RulesetError, match="cannot read the file"):
        load_ruleset(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(RulesetError, match="not UTF-8"):
        load_ruleset(binary)


def test_decline_reasons_that_fit_practice_are_offered():
    ruleset = default_ruleset()
    offered = ruleset.offered_decline_reasons
    for code in ("prosecutor_objection", "victim_objection", "charges_filed", "outside_jurisdiction",
                 "not_amenable", "unable_to_locate", "referred_elsewhere", "consent_revoked",
                 "duplicate", "other"):
        assert code in offered, code
    assert offered["charges_filed"] == "Charges have already been filed"


def test_reasons_that_can_never_apply_are_not_offered_but_keep_their_labels():
    # Nobody under the minimum age can be submitted, nor anyone without a signed consent.
    ruleset = default_ruleset()
    assert "under_18" not in ruleset.offered_decline_reasons
    assert "no_consent" not in ruleset.offered_decline_reasons
    assert ruleset.decline_reason_labels["under_18"] == "Under 18"  # an old decline still reads
    assert ruleset.decline_reason_labels["no_consent"] == "The person did not consent"
    shown = {d["code"]: d["offered"] for d in ruleset.to_dict()["decline_reasons"]}
    assert shown["under_18"] is False and shown["duplicate"] is True


def test_offered_must_be_true_or_false():
    text = DEFAULT_BYTES.decode().replace('label = "Under 18"\noffered = false', 'label = "Under 18"\noffered = "no"')
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text.encode())
    assert any("decline_reasons[3].offered: must be true or false" in e for e in caught.value.errors)


@pytest.mark.parametrize("old,new,expected", [
    ("max_arrest_age_days = 7", "max_arrest_age_days = -1",
     "routes[0].max_arrest_age_days: must be from 0 to 3650, not -1"),
    ("response_target_days = 14", "response_target_days = 1.5",
     "routes[1].response_target_days: must be a whole number, not a decimal number"),
    ("conduct_required = true", "conduct_required = 1",
     "routes[1].conduct_required: must be true or false"),
])
def test_the_new_route_keys_are_checked(old, new, expected):
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(DEFAULT_BYTES.decode().replace(old, new).encode())
    assert any(expected in e for e in caught.value.errors), caught.value.errors

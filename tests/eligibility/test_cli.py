"""`screen` and `rules` on the command line: exit 0 with output, or exit 2 with stderr and no stdout."""

import importlib.resources
import json

import pytest
from click.testing import CliRunner

from portal.eligibility import default_ruleset
from portal.screening_commands import rules, screen
from tests.eligibility.helpers import facts_dict

DEFAULT_PATH = importlib.resources.files("portal.eligibility").joinpath("default_ruleset.toml")
DEFAULT_TEXT = DEFAULT_PATH.read_text(encoding="utf-8")

FACTS = facts_dict(charges=[{"code": "df4_possession", "answers": {"intent_to_distribute": False}}])


def invoke(command, args, input=None, env=None):
    # LEAD_RULESET is cleared so that the caller's environment cannot change the outcome.
    env = {"LEAD_RULESET": None, **(env or {})}
    return CliRunner().invoke(command, args, input=input, env=env, catch_exceptions=False)


def refused(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip()
    return result.stderr


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_screen_a_file(tmp_path):
    result = invoke(screen, [write(tmp_path, "facts.json", json.dumps(FACTS))])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert set(data) == {"decision", "findings", "ruleset", "intake_deadline", "respond_by"}
    assert data["decision"] == "eligible"
    assert data["intake_deadline"] == "2025-03-31"
    assert data["ruleset"]["sha256"] == default_ruleset().sha256
    assert all(set(f) == {"rule", "outcome", "message", "clause"} for f in data["findings"])


def test_screen_standard_input_with_a_referral_day():
    result = invoke(screen, ["-", "--on", "2025-03-05"], input=json.dumps(FACTS))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["intake_deadline"] == "2025-04-04"


@pytest.mark.parametrize("text,expected", [
    ("{", "not valid JSON"),
    ("", "not valid JSON"),
    ('{"a": NaN}', "NaN is not allowed"),
    ("[" * 100_000, "nested too deeply"),
    ("1" * 5000, "not valid JSON"),  # past Python's limit on digits in an integer
    ("[]", "Send the facts as a JSON object"),
    ('"text"', "Send the facts as a JSON object"),
])
def test_screen_refuses_what_is_not_a_facts_object(text, expected):
    assert expected in refused(invoke(screen, ["-"], input=text))


def test_screen_refuses_bytes_that_are_not_utf8():
    assert "not UTF-8" in refused(invoke(screen, ["-"], input=b'{"route": "\xff"}'))


def test_screen_names_the_bad_field():
    facts = {**FACTS, "charges": [{"code": "df4_possession", "answers": {"intent_to_distribute": "no"}}]}
    stderr = refused(invoke(screen, ["-"], input=json.dumps(facts)))
    assert stderr == "charges[0].answers.intent_to_distribute: Answer true (yes), false (no) or null (not known)\n"


def test_screen_lists_every_bad_field():
    facts = {**FACTS, "contact_date": "01/03/2025", "consent_given": "yes"}
    stderr = refused(invoke(screen, ["-"], input=json.dumps(facts)))
    assert stderr.splitlines() == [
        "contact_date: Enter the contact date as YYYY-MM-DD",
        "consent_given: Say whether the person gave consent: true or false",
    ]


def test_screen_refuses_a_missing_file_and_a_bad_referral_day(tmp_path):
    refused(invoke(screen, [str(tmp_path / "missing.json")]))
    assert "YYYY-MM-DD" in refused(invoke(screen, ["-", "--on", "5 March"], input=json.dumps(FACTS)))
    refused(invoke(screen, ["-", "--on", "2025-02-30"], input=json.dumps(FACTS)))


def test_screen_with_another_ruleset(tmp_path):
    text = DEFAULT_TEXT.replace("intake_deadline_days = 30", "intake_deadline_days = 45")
    path = write(tmp_path, "rules.toml", text.replace('version = "2026.1"', 'version = "local-1"'))
    for args, env in (([ "--ruleset", path], None), ([], {"LEAD_RULESET": path})):
        result = invoke(screen, ["-", *args], input=json.dumps(FACTS), env=env)
        data = json.loads(result.stdout)
        assert (data["ruleset"]["version"], data["intake_deadline"]) == ("local-1", "2025-04-15")


def test_screen_with_a_broken_ruleset(tmp_path):
    path = write(tmp_path, "rules.toml", DEFAULT_TEXT.replace('level = "district"', 'level = "state"', 1))
    stderr = refused(invoke(screen, ["-", "--ruleset", path], input=json.dumps(FACTS)))
    assert "charges[0].level" in stderr


def test_rules_check_the_default():
    result = invoke(rules, ["check", str(DEFAULT_PATH)])
    assert result.exit_code == 0
    assert result.stdout == "OK: lead-default 2026.1, 15 charges\n"
    assert invoke(rules, ["check"]).stdout == result.stdout  # no FILE: the shipped ruleset


@pytest.mark.parametrize("old,new,expected", [
    ('label = "Curfew"', 'label = "Curfew"\nfine = 50', "charges[12]: unknown key 'fine'"),
    ('code = "curfew"', 'code = "camping"', "charges[12].code: duplicate code 'camping' (first used at charges[9])"),
    ("intake_deadline_days = 30", "intake_deadline_days = 30.5",
     "routes[0].intake_deadline_days: must be a whole number, not a decimal number"),
    ("divertible_answer = false\n", "", "charges[1].qualifiers[0]: 'divertible_answer' is required"),
])
def test_rules_check_names_the_problem(tmp_path, old, new, expected):
    path = write(tmp_path, "rules.toml", DEFAULT_TEXT.replace(old, new, 1))
    assert refused(invoke(rules, ["check", path])) == f"{path}: {expected}\n"


def test_rules_check_reports_every_problem(tmp_path):
    text = DEFAULT_TEXT.replace('label = "Curfew"', 'label = 5').replace("years = 18", "years = -1")
    stderr = refused(invoke(rules, ["check", write(tmp_path, "rules.toml", text)]))
    assert len(stderr.splitlines()) == 2


def test_rules_show_is_a_readable_table():
    result = invoke(rules, ["show"])
    assert result.exit_code == 0
    text = result.stdout
    for charge in default_ruleset().charges:
        assert charge.code in text and charge.label in text
        for qualifier in charge.qualifiers:
            assert qualifier.question in text
    for heading in ("CHARGES", "EXCLUSIONS", "CONCERNS", "ROUTES", "DEADLINES", "DECLINE REASONS"):
        assert heading in text
    assert "intake deadline 30 days" in text and "24 months" in text


def test_rules_show_json_holds_every_charge():
    result = invoke(rules, ["show", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [c["code"] for c in data["charges"]] == [c.code for c in default_ruleset().charges]
    assert data["sha256"] == default_ruleset().sha256


SOCIAL = facts_dict(route="social_contact", referrer_org_kind="community_partner",
                    charges=[{"code": "camping", "answers": {}}],
                    last_eligible_conduct_date="2025-02-20")


def test_the_command_refuses_a_date_after_the_screening_day():
    stderr = refused(invoke(screen, ["-", "--on", "2025-02-28"], input=json.dumps(FACTS)))
    assert stderr.startswith("contact_date: The contact or arrest date must be on or before the screening day")
    later = {**SOCIAL, "last_eligible_conduct_date": "2025-03-01"}
    stderr = refused(invoke(screen, ["-", "--on", "2025-02-28"], input=json.dumps(later)))
    assert "last_eligible_conduct_date: " in stderr


def test_the_command_screens_the_new_rules_like_the_engine():
    late = json.loads(invoke(screen, ["-", "--on", "2025-03-09"], input=json.dumps(FACTS)).stdout)
    assert late["decision"] == "needs_review"
    assert [f["outcome"] for f in late["findings"] if f["rule"] == "arrest_age"] == ["review"]
    unnamed = json.loads(invoke(screen, ["-"], input=json.dumps({**SOCIAL, "charges": []})).stdout)
    assert unnamed["decision"] == "ineligible"
    assert [f["clause"] for f in unnamed["findings"] if f["outcome"] == "fail"] == [
        "routes.social_contact.conduct_required"]
    social = json.loads(invoke(screen, ["-"], input=json.dumps(SOCIAL)).stdout)
    assert (social["decision"], social["respond_by"], social["intake_deadline"]) == (
        "eligible", "2025-03-15", None)

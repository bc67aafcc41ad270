"""The typed answers: parsed once from the stored JSON, forgiving what older drafts stored."""

from __future__ import annotations

from datetime import date

from portal.eligibility import default_ruleset, parse_facts
from portal.referrals.answers import ARREST, SOCIAL, Answers
from portal.referrals.facts import facts_for

STORED = {
    "referrer": {"name": "Dana Officer", "badge_number": "B-12", "phone": "555-0100"},
    "arrest": {"incident_number": "INC-1", "arrest_date": "2026-11-30", "arrest_time": "9:30pm",
               "arrest_place": "5th and Main"},
    "charges": {"charges": ["shoplifting", "other"], "q__shoplifting__restitution_sought": "no",
                "other_description": "Littering", "csrf_token": None},
    "person": {"legal_name": "José Ruiz", "other_names": "Joe; Pepe", "date_of_birth": "1990-06-15",
               "phone": None, "staying": "", "language": "es", "language_other": None},
    "circumstances": {"housing": "unsheltered", "needs": ["housing", "food"], "needs_detail": ""},
    "demographics": {"race": ["white"], "ethnicity": "hispanic", "gender": "man"},
    "exclusions": {"treatment_court": "none", "protective_order": "no"},
    "concerns": {"concerns": [], "note": "Sleeps by the river"},
    "consent": {"language": "es", "text_id": "arrest-es-1", "signature": "Jose Ruiz",
                "signed_on": "2026-11-30", "confirmed": True},
}


def test_every_page_is_read_into_its_type():
    answers = Answers.parse(ARREST, STORED)
    assert answers.answered == frozenset(STORED) | {"about"}  # the three pages it replaced
    assert answers.arrest.arrest_date == date(2026, 11, 30)
    assert answers.person.date_of_birth == date(1990, 6, 15)
    assert answers.person.names == ("José Ruiz", "Joe", "Pepe")
    assert answers.charges.codes == ("shoplifting", "other")
    assert answers.charges.charges[0].answer("restitution_sought") == "no"
    assert answers.charges.charges[1].description == "Littering"
    assert answers.circumstances.needs == ("housing", "food")
    assert answers.demographics.race == ("white",)
    assert answers.consent.confirmed is True and answers.consent.signed_on == date(2026, 11, 30)
    assert answers.contact_date(date(2026, 12, 4)) == date(2026, 11, 30)


def test_the_facts_are_the_engines_contract():
    answers = Answers.parse(ARREST, STORED)
    facts = facts_for(answers, "law_enforcement", default_ruleset(), date(2026, 12, 4))
    parse_facts(facts, default_ruleset())  # raises on anything off the contract
    assert facts["charges"] == [
        {"code": "shoplifting", "answers": {"restitution_sought": False}},
        {"code": "other", "answers": {}, "description": "Littering"}]
    assert facts["contact_date"] == "2026-11-30" and facts["consent_given"] is True


def test_what_older_code_stored_loads_with_defaults():
    stored = {"person": {"legal_name": 42, "date_of_birth": "15/06/1990", "language": ["es"]},
              "concerns": {"concerns": "violence"}, "consent": {"confirmed": "yes"},
              "charges": {"charges": ["shoplifting"], "q__shoplifting__restitution_sought": True},
              "legacy_page": {"anything": 1}, "information": "not a list"}
    answers = Answers.parse(ARREST, stored)
    assert answers.person.legal_name == "" and answers.person.date_of_birth is None
    assert answers.person.language is None
    assert answers.concerns.concerns == ()
    assert answers.consent.confirmed is False
    assert answers.charges.charges[0].answer("restitution_sought") is None
    assert answers.information == ()
    assert "legacy_page" not in answers.answered


def test_nothing_stored_is_a_blank_draft():
    answers = Answers.parse(SOCIAL, None)
    assert answers.answered == frozenset() and answers.person.legal_name == ""
    assert answers.contact_date(date(2026, 12, 4)) == date(2026, 12, 4)


def test_writing_a_page_keeps_what_the_code_no_longer_knows():
    stored = {**STORED, "legacy_page": {"anything": 1}}
    answers = Answers.parse(ARREST, stored)
    written = answers.with_page("arrest", {"incident_number": "INC-2"})
    assert written["legacy_page"] == {"anything": 1}
    assert written["arrest"] == {"incident_number": "INC-2"}
    assert stored["arrest"]["incident_number"] == "INC-1", "the stored mapping is not changed"
    assert "consent" not in answers.without_page("consent")


def test_an_exchange_is_added_to_those_before():
    answers = Answers.parse(ARREST, {**STORED, "information": [{"question": "Q1", "answer": "A1"}]})
    written = Answers.parse(ARREST, answers.with_exchange("Q2", "A2"))
    assert [(e.question, e.answer) for e in written.information] == [("Q1", "A1"), ("Q2", "A2")]


ABOUT = {"housing": "sheltered", "needs": ["food"], "needs_detail": "", "race": ["asian"],
         "ethnicity": "not_hispanic", "gender": "woman", "concerns": ["violence"], "note": "Calm"}


def test_the_combined_page_is_read_as_the_three_it_replaced():
    answers = Answers.parse(ARREST, {"person": STORED["person"], "about": ABOUT})
    assert {"about", "circumstances", "demographics", "concerns"} <= answers.answered
    assert answers.circumstances.housing == "sheltered" and answers.circumstances.needs == ("food",)
    assert answers.demographics.race == ("asian",) and answers.demographics.gender == "woman"
    assert answers.concerns.concerns == ("violence",) and answers.concerns.note == "Calm"
    assert answers.about.gender == "woman" and answers.about.note == "Calm"
    assert answers.page("about") == ABOUT


def test_a_draft_stored_with_the_three_pages_reads_and_fills_the_combined_page():
    """Drafts and referrals stored before issue 14 keep circumstances, demographics and concerns
    as three pages: read as ever, they answer the combined page, and saving it replaces them."""
    old = {key: STORED[key] for key in ("person", "circumstances", "demographics", "concerns")}
    answers = Answers.parse(ARREST, old)
    assert "about" in answers.answered
    assert answers.demographics.ethnicity == "hispanic" and answers.concerns.note == \
        "Sleeps by the river"
    assert answers.page("about") == {**STORED["circumstances"], **STORED["demographics"],
                                     **STORED["concerns"]}
    saved = answers.with_page("about", ABOUT)
    assert set(saved) == {"person", "about"}
    assert Answers.parse(ARREST, saved).demographics.race == ("asian",)


def test_a_draft_stopped_among_the_three_pages_resumes_on_the_combined_one():
    answers = Answers.parse(ARREST, {"circumstances": STORED["circumstances"]})
    assert "about" not in answers.answered  # demographics not yet given
    assert answers.page("about") == STORED["circumstances"]  # what it had, filled in
    assert Answers.parse(ARREST, {}).page("about") is None

"""Every question page refuses bad input: the error summary links to the fields, the answers come
back as typed, and nothing is saved for the page (the draft's answers are unchanged)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.pages import Page, on_page
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    ROUTES,
    SOCIAL,
    answers,
    page_data,
    slugs,
)

TOMORROW = date.today() + timedelta(days=1)
LONG = "x" * 10_000


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def born(day: date) -> dict:
    return {"date_of_birth-month": str(day.month), "date_of_birth-day": str(day.day),
            "date_of_birth-year": str(day.year)}


@pytest.fixture
def browser_for(make, signed_in):
    """A signed-in referrer for the route: an officer for arrest diversion, a community partner
    for social contact (as the builders' answers expect)."""
    return lambda route: signed_in(make.referrer(route))


@pytest.fixture
def officer(browser_for):
    return browser_for(ARREST)


def draft_through(browser, route: str, slug: str) -> int:
    """A draft answered up to and including ``slug`` (so that the page has answers to keep)."""
    order = slugs(route)
    following = order[order.index(slug) + 1] if slug != order[-1] else None
    return builders.fill_draft_quickly(browser, route, upto=following)


def refused(browser, session, referral_id: int, slug: str, data: dict):
    """Post ``data`` to the page; it must come back with errors and leave the draft as it was."""
    before = answers(session, referral_id)
    page = browser.submit_page(f"/referrals/{referral_id}/{slug}", data)
    assert page.status == 200, page.response.location
    assert page.errors, "the error summary lists the problems"
    assert page.title.startswith("Error: ")
    assert page.error_targets(), "each error links to its field"  # check_invariants: they exist
    assert answers(session, referral_id) == before, "nothing is saved for the page"
    return page


# Each case: the page, what is posted over the valid answers, an error it must show, and a field
# whose typed value must come back (name, value).
BAD_INPUT = {
    "impossible date of birth": (
        "person", {"date_of_birth-month": "2", "date_of_birth-day": "31",
                   "date_of_birth-year": "1990"},
        "The person's date of birth must be a real date", "date_of_birth-month",
        [("date_of_birth-day", "31"), ("date_of_birth-month", "2"), ("legal_name", "José O'Neil")]),
    "date of birth missing a part": (
        "person", {"date_of_birth-month": "2", "date_of_birth-day": "",
                   "date_of_birth-year": "1990"},
        "The person's date of birth must include a day", "date_of_birth-month",
        [("date_of_birth-year", "1990")]),
    "date of birth in words": (
        "person", {"date_of_birth-month": "March", "date_of_birth-day": "7",
                   "date_of_birth-year": "90"},
        "Enter the person's date of birth as numbers, like 3 27 1990", "date_of_birth-month",
        [("date_of_birth-month", "March")]),
    "future date of birth": (
        "person", born(TOMORROW),
        "The person's date of birth must be in the past", "date_of_birth-month",
        [("date_of_birth-day", str(TOMORROW.day))]),
    "signature not the name": (
        "consent", {"signature": "Jon O'Neil"},
        "The signature must be the person's legal name as entered: José O'Neil", "signature",
        [("signature", "Jon O'Neil")]),
    "unticked confirmation": (
        "consent", {"confirmed": None},
        "Tick the box to confirm the person agrees", "confirmed",
        [("signature", "José O'Neil")]),
    "future date of signing": (
        "consent", {"signed_on": _us(TOMORROW)},
        "The date of signing must be today or in the past", "signed_on",
        [("signed_on", _us(TOMORROW))]),
    "unknown conduct code": (
        "conduct", {"charges": ["burglary"]}, "Select the kind of conduct from the list",
        "charges-0", []),
    "future conduct date": (
        "conduct", {"last_conduct_date": _us(TOMORROW)},
        "The date of the most recent conduct must be today or in the past", "last_conduct_date",
        [("last_conduct_date", _us(TOMORROW))]),
    "other conduct not described": (
        "conduct", {"charges": ["other"]}, "Describe the other conduct", "other_description", []),
    "other relationship not described": (
        "relationship", {"how_known": "other"}, "Enter how you know the person",
        "how_known_detail", [("how_known", "other")]),
    "race and prefer not to say": (
        "about", {"race": ["black", "prefer_not"]},
        "Select races, or prefer not to say, but not both", "race-0", []),
    "unknown language": (
        "person", {"language": "klingon"}, "Select the language they prefer", "language-0",
        [("legal_name", "José O'Neil")]),
    "unknown need": (
        "about", {"needs": ["housing", "a yacht"]}, "Select only from the options shown",
        "needs-0", [("housing", "unsheltered")]),
    "legal name of spaces": (
        "person", {"legal_name": "   "}, "Enter the person's legal name", "legal_name", []),
    "where to find them of spaces": (
        "whereabouts", {"where_found": " \n "}, "Enter where the person can be found",
        "where_found", []),
    "phone number with too few digits": (
        "referrer", {"phone": "555 01"}, "Enter a phone number, like 303 555 0100", "phone",
        [("phone", "555 01"), ("name", "Sam Okafor")]),
}

ARREST_BAD_INPUT = {
    "impossible arrest date": (
        "arrest", {"arrest_date": "2/31/2026"},
        "Enter the date of the arrest as a real date, like 3/27/2026", "arrest_date",
        [("arrest_date", "2/31/2026"), ("incident_number", "24-0001")]),
    "future arrest date": (
        "arrest", {"arrest_date": _us(TOMORROW)},
        "The date of the arrest must be today or in the past", "arrest_date", []),
    "arrest time not a time": (
        "arrest", {"arrest_time": "25:99"}, "Enter the time of the arrest, like 9:30pm or 21:30",
        "arrest_time", [("arrest_time", "25:99")]),
    "place of spaces": (
        "arrest", {"arrest_place": "  "}, "Enter the place of the arrest", "arrest_place",
        [("incident_number", "24-0001")]),
    "unknown charge code": (
        "charges", {"charges": ["burglary"]}, "Select charges from the list", "charges-0",
        []),
    "qualifier not answered": (
        "charges", {"charges": ["shoplifting"], "q__shoplifting__restitution_sought": ""},
        "Answer: Shoplifting: Is the store or owner seeking restitution",
        "q__shoplifting__restitution_sought-0", []),
    "other charge not described": (
        "charges", {"charges": ["other"]}, "Describe the other charge", "other_description", []),
    "officer without a badge number": (
        "referrer", {"badge_number": ""}, "Enter your badge number", "badge_number",
        [("name", "Officer Dana Reyes")]),
}

CASES = ([pytest.param(SOCIAL, *case, id=name) for name, case in BAD_INPUT.items()
          if case[0] not in {"charges", "arrest"}]
         + [pytest.param(ARREST, *case, id=name) for name, case in BAD_INPUT.items()
            if case[0] in {"person", "consent", "about"}]
         + [pytest.param(ARREST, *case, id=name) for name, case in ARREST_BAD_INPUT.items()])


@pytest.mark.parametrize(("route", "slug", "changes", "message", "target", "kept"), CASES)
def test_bad_input_is_refused_with_answers_kept_and_nothing_saved(
        browser_for, session, route, slug, changes, message, target, kept):
    browser = browser_for(route)
    referral_id = draft_through(browser, route, slug)
    data = {k: v for k, v in {**page_data(route, slug), **changes}.items() if v is not None}
    page = refused(browser, session, referral_id, slug, data)
    assert any(message.lower() in error.lower() for error in page.errors), page.errors
    assert target in page.error_targets()
    for name, value in kept:
        assert page.value(name) == value, name


# The text fields of each page: every one is bounded.
TEXT_FIELDS = {
    "referrer": ["name", "badge_number", "phone"],
    "arrest": ["incident_number", "arrest_time", "arrest_place"],
    "charges": ["other_description"],
    "relationship": ["how_known_detail"],
    "conduct": ["other_description"],
    "whereabouts": ["where_found", "best_times"],
    "person": ["legal_name", "other_names", "phone", "staying", "language_other"],
    "about": ["needs_detail", "note"],
    "consent": ["signature"],
}
DATES = {"arrest_date", "last_conduct_date", "signed_on", "date_of_birth-month",
         "date_of_birth-day", "date_of_birth-year"}


def _text_inputs(page) -> list[str]:
    form = page.soup.find_all("form", method="post")[-1]
    return [tag["name"] for tag in form.find_all(["input", "textarea"])
            if (tag.name == "textarea" or tag.get("type", "text") in {"text", "tel"})
            and tag["name"] not in DATES]


@pytest.mark.parametrize(("route", "slug"), [(route, slug) for route in ROUTES
                                             for slug in slugs(route)])
def test_ten_thousand_characters_in_each_text_field_are_refused(browser_for, session, route, slug):
    browser = browser_for(route)
    referral_id = draft_through(browser, route, slug)
    fields = TEXT_FIELDS.get(slug, [])
    if slug == "referrer" and route == SOCIAL:  # a community partner has no badge number
        fields = ["name", "phone"]
    assert _text_inputs(browser.get(f"/referrals/{referral_id}/{slug}")) == fields, \
        "the list above names every text field of the page"
    if not fields:
        return  # a page of choices only
    data = {**page_data(route, slug), **dict.fromkeys(fields, LONG)}
    if slug in {"charges", "conduct"}:
        data["charges"] = [*data["charges"], "other"]  # the description is then asked for
    page = refused(browser, session, referral_id, slug, data)
    for name in fields:
        assert name in page.error_targets(), name
        assert page.value(name) == LONG, "what was typed comes back"
    assert any("characters or fewer" in error for error in page.errors)


REQUIRED_PAGES = [(route, slug) for route in ROUTES for slug in slugs(route)]


@pytest.mark.parametrize(("route", "slug"), REQUIRED_PAGES)
def test_a_blank_page_is_refused_and_not_saved(browser_for, session, route, slug):
    browser = browser_for(route)
    referral_id = builders.fill_draft_quickly(browser, route, upto=slug)
    page = refused(browser, session, referral_id, slug, {})
    assert slug not in answers(session, referral_id)
    assert len(page.errors) == len(page.error_targets()) >= 1


@pytest.mark.parametrize("route", ROUTES)
def test_the_concerns_may_be_left_blank(browser_for, session, route):
    browser = browser_for(route)
    referral_id = builders.fill_draft_quickly(browser, route, upto="about")
    required = {"housing": "unknown", "race": ["prefer_not"], "ethnicity": "prefer_not",
                "gender": "prefer_not"}
    response = browser.submit(f"/referrals/{referral_id}/about", required, status=302)
    assert response.location == f"/referrals/{referral_id}/exclusions"
    assert answers(session, referral_id)["about"]["concerns"] == []


# --- The age rule on the person page --------------------------------------------------------------

ARREST_ON = date(2025, 6, 15)


def _draft_arrested_on(browser, day: date) -> int:
    referral_id = builders.fill_draft_quickly(browser, ARREST, upto="arrest")
    browser.submit(f"/referrals/{referral_id}/arrest",
                   {**page_data(ARREST, "arrest"), "arrest_date": _us(day)}, status=302)
    browser.submit(f"/referrals/{referral_id}/charges", page_data(ARREST, "charges"), status=302)
    return referral_id


def test_under_18_on_the_arrest_date_is_refused(officer, session):
    browser = officer
    referral_id = _draft_arrested_on(browser, ARREST_ON)
    data = {**page_data(ARREST, "person"), **born(date(2007, 6, 16))}  # 18 the day after
    page = refused(browser, session, referral_id, "person", data)
    [error] = page.errors
    assert error.startswith("LEAD accepts only people aged 18 or over on the date of the "
                            "contact or arrest (June 15, 2025)")
    assert page.error_targets() == ["date_of_birth-month"]
    assert page.value("date_of_birth-day") == "16"
    assert "person" not in answers(session, referral_id)


def test_exactly_18_on_the_arrest_date_is_accepted(officer, session):
    browser = officer
    referral_id = _draft_arrested_on(browser, ARREST_ON)
    data = {**page_data(ARREST, "person"), **born(date(2007, 6, 15))}  # the 18th birthday
    response = browser.submit(f"/referrals/{referral_id}/person", data, status=302)
    assert response.location == f"/referrals/{referral_id}/about"
    assert answers(session, referral_id)["person"]["date_of_birth"] == "2007-06-15"


@pytest.mark.parametrize(("arrested", "accepted"), [(date(2026, 2, 28), False),
                                                    (date(2026, 3, 1), True)])
def test_a_29_february_birthday_counts_from_1_march(officer, session, arrested, accepted):
    browser = officer
    referral_id = _draft_arrested_on(browser, arrested)
    data = {**page_data(ARREST, "person"), **born(date(2008, 2, 29))}
    if accepted:
        browser.submit(f"/referrals/{referral_id}/person", data, status=302)
    else:
        page = refused(browser, session, referral_id, "person", data)
        assert page.errors[0].startswith("LEAD accepts only people aged 18 or over")


def test_an_expired_token_keeps_the_answers_and_saves_nothing(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST, upto="person")
    data = {**page_data(ARREST, "person"), "csrf_token": "expired-or-forged"}
    page = Page(officer.raw.post(f"/referrals/{referral_id}/person", data=data))
    page.check_invariants()
    assert page.status == 200
    assert page.errors == [("This page expired before it was sent. Your answers are kept: check "
                            "them and send again")]
    assert page.value("legal_name") == "José O'Neil"
    assert page.value("date_of_birth-year") == "1990"
    assert page.csrf_token() != "expired-or-forged", "with a fresh token to send again"
    assert "person" not in answers(session, referral_id)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def test_social_contact_judges_age_on_the_day_of_the_referral(browser_for, session):
    browser = browser_for(SOCIAL)
    today = date.today()
    referral_id = builders.fill_draft_quickly(browser, SOCIAL, upto="person")
    seventeen = {**page_data(SOCIAL, "person"), **born(years_before(today, 18) + timedelta(days=1))}
    page = refused(browser, session, referral_id, "person", seventeen)
    assert page.errors[0].startswith("LEAD accepts only people aged 18 or over on the date of "
                                     f"the contact or arrest ({on_page(today)})")
    eighteen = {**page_data(SOCIAL, "person"), **born(years_before(today, 18))}
    browser.submit(f"/referrals/{referral_id}/person", eighteen, status=302)

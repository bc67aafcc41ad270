"""Check your answers: every answer in words, grouped, each with a Change link that comes back;
the screening in plain words; what may be sent, with or without a note, and what may not."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest


from portal.consent.models import Consent
from portal.referrals.models import Referral, Screening
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    ROUTES,
    SOCIAL,
    answers,
    check_url,
    count,
    page_data,
    referral,
    send,
)

SECTIONS = {
    ARREST: ["Referrer", "The arrest", "The person", "Eligibility questions", "Consent"],
    SOCIAL: ["Referrer", "The contact", "The person", "Eligibility questions", "Consent"],
}


@pytest.fixture
def browser_for(make, signed_in):
    return lambda route: signed_in(make.referrer(route))


@pytest.fixture
def officer(browser_for):
    return browser_for(ARREST)


def rows(page) -> dict[str, str]:
    return {row.find("dt").get_text(" ").strip(): row.find("dd").get_text(" ").strip()
            for row in page.soup.select(".portal-summary-list__row")}


def change(browser, referral_id: int, slug: str, changes: dict, route: str = ARREST):
    """Follow the page's Change link and save it; it comes back to check-your-answers."""
    data = {**page_data(route, slug), **changes}
    response = browser.submit(f"/referrals/{referral_id}/{slug}?return=check", data, status=302)
    assert response.location == check_url(referral_id)


def screening_heading(page) -> str:
    return page.soup.select_one("#screening h2").get_text(" ").strip()


@pytest.mark.parametrize("route", ROUTES)
def test_answers_are_grouped_in_sections_in_words(browser_for, route):
    browser = browser_for(route)
    referral_id = builders.fill_draft_quickly(browser, route)
    page = browser.get(check_url(referral_id))
    headings = [h.get_text().strip() for h in page.soup.select("h2.portal-summary-heading")]
    assert headings == SECTIONS[route]
    shown = rows(page)
    assert shown["Legal name"] == "José O'Neil"
    assert shown["Date of birth"] == "March 7, 1990"
    assert shown["Which language do they prefer?"] == "English"
    assert shown["What is their housing situation?"] == "Sleeping outside, in a vehicle or a tent"
    assert shown["The person types their full name"] == "José O'Neil"
    assert "text_id" not in page.text and "csrf" not in " ".join(shown)
    if route == ARREST:
        assert shown["Shoplifting"] == ("Is the store or owner seeking restitution (repayment "
                                        "for the loss)? No")
        assert shown["What needs have you observed?"] == "Substance use, Housing"
    else:
        assert shown["How do you know the person?"] == "Through street outreach"
        assert shown["Where can the person usually be found?"] == \
            "The library on 3rd, most mornings"


@pytest.mark.parametrize("route", ROUTES)
def test_every_answer_has_a_change_link_that_returns_to_the_summary(browser_for, session, route):
    browser = browser_for(route)
    referral_id = builders.fill_draft_quickly(browser, route)
    page = browser.get(check_url(referral_id))
    summary_rows = page.soup.select(".portal-summary-list__row")
    links = [row.select_one(".portal-summary-list__action a") for row in summary_rows]
    assert summary_rows and all(links), "a Change link on every answer"
    assert all(link.select_one(".usa-sr-only") for link in links), "each says what it changes"
    targets = sorted({link["href"] for link in links})
    for href in targets:
        parts = urlsplit(href)
        assert parse_qs(parts.query) == {"return": ["check"]}
        slug = parts.path.rsplit("/", 1)[1]
        step = browser.get(href)
        assert step.soup.select_one(".portal-back a")["href"] == check_url(referral_id), \
            "Back goes to the summary too"
        response = browser.submit(href, page_data(route, slug), status=302)
        assert response.location == check_url(referral_id), slug
    assert {urlsplit(h).path.rsplit("/", 1)[1] for h in targets} == set(answers(session,
                                                                                 referral_id))


def test_a_change_is_saved_and_shown(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "person", {"legal_name": "José Luis O'Neil",
                                            "date_of_birth-day": "8"})
    assert answers(session, referral_id)["person"]["date_of_birth"] == "1990-03-08"
    shown = rows(officer.get(check_url(referral_id)))
    assert shown["Legal name"] == "José Luis O'Neil"
    assert shown["Date of birth"] == "March 8, 1990"


def test_the_screening_is_shown_in_plain_words(officer):
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    page = officer.get(check_url(referral_id))
    assert screening_heading(page) == "Screening found no problems; a coordinator decides"
    assert "Screening advises; a coordinator decides. Ruleset 2026.1." in page.text
    assert page.soup.find("button", string="Send the referral")
    label = page.soup.find("label", attrs={"for": "partner_note"}).get_text()
    assert label == "Note for the coordinator (optional)", "a note is offered, not asked for"


def test_a_draft_with_pages_missing_takes_no_note(officer, session):
    """Nothing can be sent yet, and the page has no note field: a note posted anyway (far too
    long) is not answered with an error that links to nothing."""
    referral_id = builders.fill_draft_quickly(officer, ARREST, upto="consent")
    page = officer.submit_page(check_url(referral_id), {"partner_note": "n" * 10_000})
    assert page.status == 200 and page.errors == []
    assert referral(session, referral_id).status is Status.DRAFT


def test_a_note_that_is_too_long_is_refused(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "charges", {"charges": ["other"],
                                             "other_description": "Jaywalking"})
    page = officer.submit_page(check_url(referral_id), {"partner_note": "n" * 10_000})
    assert page.errors == ["The note must be 2,000 characters or fewer"]
    assert page.error_targets() == ["partner_note"]
    assert page.value("partner_note") == "n" * 10_000
    assert referral(session, referral_id).status is Status.DRAFT


def test_an_ineligible_referral_needs_a_note_to_be_sent(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "charges", {"charges": ["shoplifting"],
                                             "q__shoplifting__restitution_sought": "yes"})
    page = officer.get(check_url(referral_id))
    assert screening_heading(page) == "Screening: Not eligible under the rules"
    finding = page.soup.select_one("#screening li").get_text(" ")
    assert finding.startswith("Rule not met:") and "restitution" in finding.lower()
    assert page.soup.find(attrs={"name": "partner_note"}) is not None

    page = officer.submit_page(check_url(referral_id), {})
    assert page.status == 200
    assert page.errors == [("Enter a note for the coordinator saying why this referral should be "
                            "reviewed")]
    assert page.error_targets() == ["partner_note"]
    assert referral(session, referral_id).status.value == "draft"
    assert count(session, Screening) == count(session, Consent) == 0

    response = send(officer, referral_id, {"partner_note": "The store says it will not pursue."})
    assert response.status_code == 302
    assert response.location == f"/referrals/{referral_id}/confirmation"
    row = referral(session, referral_id)
    assert row.status.value == "submitted"
    assert row.screening_decision == "ineligible"
    assert row.partner_note == "The store says it will not pursue."
    assert row.events[-1].partner_message == "The store says it will not pursue."


def test_a_needs_review_referral_can_be_sent_without_a_note(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "charges", {"charges": ["shoplifting"],
                                             "q__shoplifting__restitution_sought": "unknown"})
    page = officer.get(check_url(referral_id))
    assert screening_heading(page) == "Screening: Needs a coordinator’s review"
    assert "For review:" in page.soup.select_one("#screening").get_text(" ")
    assert page.soup.find("label", attrs={"for": "partner_note"}).get_text().endswith(
        "(optional)")
    response = send(officer, referral_id)
    assert response.location == f"/referrals/{referral_id}/confirmation"
    row = referral(session, referral_id)
    assert (row.status.value, row.screening_decision, row.partner_note) == \
        ("submitted", "needs_review", None)


def test_under_18_on_the_arrest_date_cannot_be_submitted(officer, session):
    """The arrest date changed after the person page, so that the person (born March 7, 1990) is
    17 on it: the person page is not asked again, so check-your-answers must stop it."""
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "arrest", {"arrest_date": "3/6/2008"})
    page = officer.get(check_url(referral_id))
    assert screening_heading(page) == "Screening: Not eligible under the rules"
    assert "cannot be sent" in page.text
    assert page.soup.find(id="blocked").get_text(" ").startswith(
        "LEAD accepts only people aged 18 or over on the date of the contact or arrest")
    assert not page.soup.find("button", string="Send the referral")

    for note in ({}, {"partner_note": "Please look at it anyway"}):
        response = send(officer, referral_id, note)
        assert response.status_code == 200, "the page again, not a confirmation"
    row = referral(session, referral_id)
    assert row.status.value == "draft" and row.reference is None
    assert count(session, Referral, Referral.status != "draft") == 0
    assert count(session, Screening) == count(session, Consent) == 0
    officer.get(f"/referrals/{referral_id}/confirmation", status=302)

    # Correcting the date makes it sendable again.
    change(officer, referral_id, "arrest", {"arrest_date": "3/7/2008"})
    assert send(officer, referral_id).location == f"/referrals/{referral_id}/confirmation"


def test_a_draft_with_pages_missing_cannot_be_sent(officer, session):
    referral_id = builders.fill_draft_quickly(officer, ARREST, upto="about")
    page = officer.get(check_url(referral_id))
    missing = [a.get_text() for a in page.soup.select(".usa-alert--info a")]
    assert missing == ["About the person", "Treatment court and orders", "The person's consent"]
    assert not page.soup.find("button", string="Send the referral")
    assert send(officer, referral_id).status_code == 200
    assert referral(session, referral_id).status.value == "draft"


def test_the_screening_judges_the_arrest_date(officer, session):
    """Eligibility is judged on the arrest date, not on the day of sending."""
    referral_id = builders.fill_draft_quickly(officer, ARREST)
    change(officer, referral_id, "arrest", {"arrest_date": "3/7/2008"})  # the 18th birthday
    send(officer, referral_id)
    row = referral(session, referral_id)
    screening = session.query(Screening).filter_by(referral_id=referral_id).one()
    assert screening.facts["contact_date"] == "2008-03-07"
    outcomes = {f["rule"]: f["outcome"] for f in screening.result["findings"]}
    assert outcomes["minimum_age"] == "pass", "18 on the arrest date, whatever the age today"
    # An arrest this old is past the ruleset's maximum delay: a coordinator looks at it.
    assert outcomes["arrest_age"] == "review" and row.screening_decision == "needs_review"
    assert screening.screened_on == date.today()

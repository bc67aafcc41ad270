"""The consent page wholly in the person's language: when the text is Spanish, the headings,
labels, hints, button, error summary and every error message of the consent form are Spanish,
marked lang="es"; the English page is as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.referrals.forms import CONSENT_PAGE
from tests.referrals import builders
from tests.referrals.helpers import ARREST, SOCIAL, answers
from tests.referrals.test_consent import draft_at_consent

ES, EN = CONSENT_PAGE["es"], CONSENT_PAGE["en"]
TOO_LONG = "José " + "O" * 200


def _spanish(route: str, **changes) -> dict:
    data = {**builders.consent_page(route, language="es"), **changes}
    return {key: value for key, value in data.items() if value is not None}


def _future() -> str:
    day = builders.TODAY + timedelta(days=400)
    return f"{day.month}/{day.day}/{day.year}"


ERROR_STATES = {
    "empty signature": ({"signature": ""}, ES["signature_missing"], "signature"),
    "spaces for a signature": ({"signature": "   "}, ES["signature_missing"], "signature"),
    "another name": ({"signature": "Jon O'Neil"},
                     ES["signature_mismatch"].format(legal_name="José O'Neil"), "signature"),
    "too long": ({"signature": TOO_LONG}, ES["signature_too_long"], "signature"),  # and not the name
    "box not ticked": ({"confirmed": None}, ES["not_confirmed"], "confirmed"),
    "no date": ({"signed_on": ""}, ES["date_missing"], "signed_on"),
    "not a date": ({"signed_on": "2/30/2026"}, ES["date_not_a_date"], "signed_on"),
    "a future date": ({"signed_on": None}, ES["date_in_future"], "signed_on"),
    "an unknown text": ({"text_id": "social_contact-1999.1-es"}, ES["text_again"], "signature"),
}


@pytest.fixture
def spanish_draft(signed_in, make):
    def at_consent(route: str):
        browser = signed_in(make.referrer(route))
        return browser, draft_at_consent(browser, route, language="es")
    return at_consent


def _assert_spanish_page(page):
    main = page.soup.select_one("main .grid-row > div")
    assert main["lang"] == "es"
    assert main.find("h1").get_text().strip() == ES["title"]
    assert page.title.endswith(f"{ES['title']} – LEAD Referral Portal")
    assert page.soup.find("label", attrs={"for": "signature"}).get_text().strip() == ES["signature_label"]
    assert page.soup.find("label", attrs={"for": "signed_on"}).get_text().strip() == ES["date_label"]
    assert page.soup.find("label", attrs={"for": "confirmed"}).get_text().strip() == ES["confirm_label"]
    assert page.soup.find(id="signature-hint").get_text().strip() == ES["signature_hint"].format(
        legal_name="José O'Neil")
    assert page.soup.find(id="signed_on-hint").get_text().strip() == ES["date_hint"]
    assert main.find("button", type="submit").get_text().strip() == ES["button"]
    words = main.get_text(" ")
    for key, english in EN.items():
        if "{" not in english:
            assert english not in words, key


@pytest.mark.parametrize("route", [ARREST, SOCIAL])
def test_the_spanish_consent_page_is_wholly_spanish(spanish_draft, route):
    browser, referral_id = spanish_draft(route)
    page = browser.get(f"/referrals/{referral_id}/consent")
    _assert_spanish_page(page)
    assert not page.errors
    assert page.soup.find("a", attrs={"hreflang": "en"})["lang"] == "en"


@pytest.mark.parametrize("state", list(ERROR_STATES))
def test_every_consent_error_is_in_spanish(spanish_draft, session, state):
    browser, referral_id = spanish_draft(SOCIAL)
    changes, message, target = ERROR_STATES[state]
    if state == "a future date":
        changes = {"signed_on": _future()}
    page = browser.submit_page(f"/referrals/{referral_id}/consent", _spanish(SOCIAL, **changes))
    assert page.status == 200
    assert page.errors[0] == message
    assert page.errors[1:] == ([ES["signature_mismatch"].format(legal_name="José O'Neil")]
                               if state == "too long" else [])
    assert set(page.error_targets()) == {target}
    summary = page.soup.select_one(".portal-error-summary")
    assert summary["lang"] == "es" and summary.find("h2").get_text().strip() == ES["error_heading"]
    if state != "an unknown text":  # that one is about a hidden input: the summary says it
        assert message in page.soup.find(id=f"{target}-error").get_text()
    assert page.title.startswith("Error: ")
    _assert_spanish_page(page)
    typed = changes.get("signature")
    if typed and typed.strip():
        assert page.value("signature") == typed, "the answer is kept"
    assert "consent" not in answers(session, referral_id)


def test_every_english_message_has_a_spanish_one():
    assert set(ES) == set(EN) and all(ES.values())
    for key, english in EN.items():
        assert ES[key] != english, key


def test_the_english_consent_errors_are_as_before(signed_in, make):
    browser = signed_in(make.referrer(SOCIAL))
    referral_id = draft_at_consent(browser, SOCIAL)
    data = {**builders.consent_page(SOCIAL), "signature": "", "signed_on": "2/30/2026"}
    del data["confirmed"]
    page = browser.submit_page(f"/referrals/{referral_id}/consent", data)
    assert page.errors == ["Enter the person's full name as their signature",
                           "Enter the date of signing as a real date, like 3/27/2026",
                           "Tick the box to confirm the person agrees"]
    summary = page.soup.select_one(".portal-error-summary")
    assert summary.find("h2").get_text().strip() == "There is a problem" and summary["lang"] == "en"
    main = page.soup.select_one("main .grid-row > div")
    assert main["lang"] == "en" and main.find("h1").get_text().strip() == "The person's consent"
    assert main.find("button", type="submit").get_text().strip() == "Save and continue"


def test_a_spanish_signature_is_saved(spanish_draft, session):
    browser, referral_id = spanish_draft(ARREST)
    browser.submit(f"/referrals/{referral_id}/consent", _spanish(ARREST), status=302)
    assert answers(session, referral_id)["consent"]["language"] == "es"

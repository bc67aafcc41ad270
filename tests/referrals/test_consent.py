"""Consent: the text in the person's language, a signature that must be their name, a ticked
confirmation, what was shown stored with the signature; and revocation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.accounts.models import OrgKind, Role
from portal.consent.models import Consent, ConsentStatus, Revocation
from portal.consent.operations import effective_status
from portal.consent.texts import default_texts
from portal.referrals.models import Referral
from tests.pages import on_page
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    ROUTES,
    SOCIAL,
    answers,
    audit_rows,
    check_url,
    count,
    page_data,
    referral,
    send,
    snapshot,
)

TEXTS = default_texts()


@pytest.fixture
def referrer_for(make):
    return lambda route, **kw: make.referrer(route, **kw)


def draft_at_consent(browser, route: str, language: str = "en") -> int:
    referral_id = builders.fill_draft_quickly(browser, route, upto="person")
    browser.submit(f"/referrals/{referral_id}/person",
                   {**page_data(route, "person"), "language": language}, status=302)
    for slug in ("about", "exclusions"):
        browser.submit(f"/referrals/{referral_id}/{slug}", page_data(route, slug), status=302)
    return referral_id


def consent_of(session, referral_id: int) -> Consent | None:
    session.expire_all()
    return session.scalar(select(Consent).where(Consent.referral_id == referral_id))


# --- The consent page -----------------------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES)
def test_the_consent_is_shown_in_the_persons_language(make, signed_in, referrer_for, route):
    browser = signed_in(referrer_for(route))
    referral_id = draft_at_consent(browser, route, language="es")
    page = browser.get(f"/referrals/{referral_id}/consent")
    spanish = TEXTS.current(route, "es")
    section = page.soup.select_one("section.portal-consent")
    assert section["lang"] == "es"
    assert section.find("h2").get_text().strip() == spanish.title
    assert f"Versión {spanish.version}" in section.get_text(" ")
    assert "José O'Neil" in section.get_text(" "), "the person's name is in the text"
    assert page.value("text_id") == spanish.id and page.value("language") == "es"
    switch = page.soup.find("a", attrs={"hreflang": "en"})
    assert switch and switch.get_text() == "Read in English"

    english = browser.get(switch["href"])
    assert english.soup.select_one("section.portal-consent")["lang"] == "en"
    assert english.value("text_id") == TEXTS.current(route, "en").id


def test_english_is_shown_for_another_language(make, signed_in, referrer_for):
    browser = signed_in(referrer_for(ARREST))
    referral_id = draft_at_consent(browser, ARREST, language="other")
    page = browser.get(f"/referrals/{referral_id}/consent")
    assert page.soup.select_one("section.portal-consent")["lang"] == "en"
    assert page.soup.find("a", attrs={"hreflang": "es"}).get_text() == "Leer en español"


@pytest.mark.parametrize("signature", ["jose  o’neil", "  JOSÉ O'NEIL ", "José ONeil"])
def test_the_signature_forgives_case_accents_and_spaces(make, signed_in, referrer_for, session,
                                                        signature):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = draft_at_consent(browser, SOCIAL)
    browser.submit(f"/referrals/{referral_id}/consent",
                   builders.consent_page(SOCIAL, signature=signature), status=302)
    assert answers(session, referral_id)["consent"]["signature"] == signature.strip(), \
        "stored as typed"


@pytest.mark.parametrize("signature", ["Jon O'Neil", "J. O'Neil", "José", "José O'Neil Smith"])
def test_a_signature_that_is_not_the_name_is_refused(make, signed_in, referrer_for, session,
                                                     signature):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = draft_at_consent(browser, SOCIAL)
    page = browser.submit_page(f"/referrals/{referral_id}/consent",
                               builders.consent_page(SOCIAL, signature=signature))
    assert page.errors == ["The signature must be the person's legal name as entered: José O'Neil"]
    assert page.error_targets() == ["signature"]
    assert page.value("signature") == signature
    assert "consent" not in answers(session, referral_id)


def test_an_unticked_confirmation_is_refused(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = draft_at_consent(browser, SOCIAL)
    data = builders.consent_page(SOCIAL)
    del data["confirmed"]
    page = browser.submit_page(f"/referrals/{referral_id}/consent", data)
    assert page.errors == ["Tick the box to confirm the person agrees"]
    assert page.error_targets() == ["confirmed"]
    assert "consent" not in answers(session, referral_id)


@pytest.mark.parametrize("text_id", ["arrest_diversion-2026.1-en", "social_contact-1999.1-en",
                                     "", "../../etc/passwd"])
def test_a_text_of_another_route_or_an_unknown_text_is_refused(make, signed_in, referrer_for,
                                                               session, text_id):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = draft_at_consent(browser, SOCIAL)
    page = browser.submit_page(f"/referrals/{referral_id}/consent",
                               {**builders.consent_page(SOCIAL), "text_id": text_id})
    assert page.errors == ["Show the person the consent text again and ask them to sign it"]
    assert page.error_targets() == ["signature"]
    assert "consent" not in answers(session, referral_id)


@pytest.mark.parametrize(("route", "language"), [(ARREST, "es"), (SOCIAL, "en"), (SOCIAL, "es")])
def test_the_text_shown_is_stored_with_the_signature(make, signed_in, referrer_for, session,
                                                     route, language):
    user = referrer_for(route)
    browser = signed_in(user)
    referral_id = draft_at_consent(browser, route, language=language)
    page = browser.get(f"/referrals/{referral_id}/consent")
    shown = TEXTS.get(page.value("text_id"))
    assert shown.language == language
    browser.submit(f"/referrals/{referral_id}/consent",
                   {**builders.consent_page(route, language=language),
                    "signature": "jose  o’neil"}, status=302)
    send(browser, referral_id)

    consent = consent_of(session, referral_id)
    row = referral(session, referral_id)
    assert (consent.text_id, consent.text_version, consent.text_sha256, consent.language) == \
        (shown.id, shown.version, shown.sha256, language)
    assert consent.signature == "jose  o’neil"
    assert consent.signed_on == date.today()
    assert consent.confirmed is True
    assert consent.witness_id == user.id
    assert consent.status is ConsentStatus.ACTIVE
    if route == ARREST:
        assert consent.revocable_from == row.intake_deadline == date.today() + timedelta(days=30)
    else:
        assert consent.revocable_from is None and row.intake_deadline is None
    assert audit_rows(session, "consent.signed", object_id=str(referral_id))

    shown_on_referral = browser.get(f"/referrals/{referral_id}").soup.find(id="consent")
    text = shown_on_referral.get_text(" ")
    assert f"Version {shown.version}, {'Spanish' if language == 'es' else 'English'}" in text
    assert f"witnessed by {user.name}" in text


def test_a_signature_made_before_the_name_changed_must_be_made_again(make, signed_in,
                                                                      referrer_for, session):
    """The consent was signed as José O'Neil; then the legal name was corrected. The signature no
    longer matches the person's name, so the referral cannot be sent on it."""
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = builders.fill_draft_quickly(browser, SOCIAL)
    browser.submit(f"/referrals/{referral_id}/person?return=check",
                   {**page_data(SOCIAL, "person"), "legal_name": "Maria Lopez"}, status=302)
    assert "consent" not in answers(session, referral_id), "the old signature is dropped"
    page = browser.get(check_url(referral_id))
    missing = [a.get_text() for a in page.soup.select(".usa-alert--info a")]
    assert missing == ["The person's consent"]
    assert not page.soup.find("button", string="Send the referral")
    assert browser.raw.get(f"/referrals/{referral_id}").location == \
        f"/referrals/{referral_id}/consent", "resuming goes to the consent page"
    assert send(browser, referral_id).status_code == 200
    assert referral(session, referral_id).status.value == "draft"
    assert consent_of(session, referral_id) is None

    browser.submit(f"/referrals/{referral_id}/consent?return=check",
                   builders.consent_page(SOCIAL, signature="maria lopez"), status=302)
    send(browser, referral_id)
    assert consent_of(session, referral_id).signature == "maria lopez"


# --- Revocation -----------------------------------------------------------------------------------

def revocation(requested_on: date, method: str = "in_writing", note: str = "") -> dict:
    return {"requested_on": f"{requested_on.month}/{requested_on.day}/{requested_on.year}",
            "method": method, "note": note}


def test_a_social_contact_revocation_takes_effect_at_once(make, signed_in, referrer_for,
                                                          session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = make.referral(SOCIAL, by=browser.user).id
    url = f"/referrals/{referral_id}/consent/revoke"
    page = browser.get(url)
    assert "cannot be revoked before" not in page.text
    response = browser.submit(url, revocation(date.today(), "in_writing", "Signed note handed in at the office"))
    assert response.status_code == 302 and response.location == f"/referrals/{referral_id}"

    consent = consent_of(session, referral_id)
    assert consent.status is ConsentStatus.REVOKED
    [row] = consent.revocations
    assert (row.requested_on, row.effective_on, row.method, row.note) == \
        (date.today(), date.today(), "in_writing", "Signed note handed in at the office")
    assert audit_rows(session, "consent.revocation_recorded", object_id=str(consent.id))
    shown = browser.get(f"/referrals/{referral_id}")
    assert "No more information will be shared" in shown.text
    assert shown.soup.find(id="consent").find("dd").get_text(" ").startswith("Revoked")
    assert not shown.soup.find("a", href=url), "no second revocation offered"


def test_an_arrest_diversion_revocation_waits_for_the_end_of_intake(make, signed_in,
                                                                    referrer_for, session):
    user = referrer_for(ARREST)
    browser = signed_in(user)
    referral_id = make.referral(ARREST, by=browser.user).id
    deadline = referral(session, referral_id).intake_deadline
    url = f"/referrals/{referral_id}/consent/revoke"
    page = browser.get(url)
    assert f"cannot be revoked before {on_page(deadline)}" in page.text

    browser.submit(url, revocation(date.today(), "in_writing"), status=302)
    consent = consent_of(session, referral_id)
    assert consent.status is ConsentStatus.REVOCATION_PENDING
    assert consent.revocations[0].effective_on == deadline
    shown = browser.get(f"/referrals/{referral_id}")
    assert (f"This consent cannot be revoked before {on_page(deadline)} (the end "
            "of the intake period): it takes effect then") in shown.text
    status = shown.soup.find(id="consent").find("dd").get_text(" ")
    assert status.startswith("Revocation requested (takes effect later)")
    assert f"effective {on_page(deadline)}" in status
    assert effective_status(consent, date.today()) is ConsentStatus.REVOCATION_PENDING
    assert effective_status(consent, deadline - timedelta(days=1)) is \
        ConsentStatus.REVOCATION_PENDING

    after = datetime.combine(deadline + timedelta(days=1), time(12), tzinfo=UTC)
    with time_machine.travel(after, tick=False):
        assert effective_status(consent, date.today()) is ConsentStatus.REVOKED
        browser = signed_in(user)  # the old session has long timed out
        shown = browser.get(f"/referrals/{referral_id}")
        assert shown.soup.find(id="consent").find("dd").get_text(" ").startswith("Revoked")


def test_a_second_revocation_is_refused(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(ARREST))
    referral_id = make.referral(ARREST, by=browser.user).id
    url = f"/referrals/{referral_id}/consent/revoke"
    browser.submit(url, revocation(date.today()), status=302)
    page = browser.submit_page(url, revocation(date.today(), "in_writing"))
    assert page.status == 200
    assert page.errors == ["A revocation has already been recorded for this consent"]
    assert count(session, Revocation) == 1


def test_a_coordinator_can_record_a_revocation(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = make.referral(SOCIAL, by=browser.user).id
    coordinator = make.user(Role.COORDINATOR)
    desk = signed_in(coordinator)
    url = f"/referrals/{referral_id}/consent/revoke"
    desk.get(url)
    response = desk.submit(url, revocation(date.today(), "in_writing", "Letter received"),
                           status=302)
    assert response.location == "/home"
    consent = consent_of(session, referral_id)
    assert consent.status is ConsentStatus.REVOKED
    assert consent.revocations[0].recorded_by_id == coordinator.id
    assert consent.revocations[0].effective_on == date.today()


def test_a_revocation_needs_a_date_and_a_method(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = make.referral(SOCIAL, by=browser.user).id
    url = f"/referrals/{referral_id}/consent/revoke"
    page = browser.submit_page(url, {"note": "x"})
    assert page.errors == ["Enter the date of the revocation",
                           "Select how the person revoked consent"]
    assert page.error_targets() == ["requested_on", "method-0"]
    assert page.value("note") == "x"
    tomorrow = date.today() + timedelta(days=1)
    page = browser.submit_page(url, revocation(tomorrow))
    assert page.errors == ["The date of the revocation must be today or in the past"]
    page = browser.submit_page(url, {**revocation(date.today()), "note": "n" * 10_000})
    assert page.errors == ["The note must be 2,000 characters or fewer"]
    # The consent says "in writing": a call or a word in passing is not the revocation it offers.
    for spoken in ("by_phone", "in_person"):
        page = browser.submit_page(url, revocation(date.today(), spoken))
        assert page.errors == ["Select how the person revoked consent"]
    assert [i["value"] for i in page.soup.find_all("input", attrs={"name": "method"})] == [
        "in_writing"]
    assert consent_of(session, referral_id).status is ConsentStatus.ACTIVE
    assert count(session, Revocation) == 0


def test_a_revocation_cannot_be_dated_before_the_signature(make, signed_in, referrer_for,
                                                           session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = make.referral(SOCIAL, by=browser.user).id
    page = browser.submit_page(f"/referrals/{referral_id}/consent/revoke",
                               revocation(date.today() - timedelta(days=1)))
    signed = on_page(date.today())
    assert page.errors == [(f"The date of the revocation cannot be before the consent was signed "
                            f"({signed})")]
    assert page.error_targets() == ["requested_on"]
    assert consent_of(session, referral_id).status is ConsentStatus.ACTIVE
    assert count(session, Revocation) == 0


def test_another_organisations_referrer_cannot_revoke(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = make.referral(SOCIAL, by=browser.user).id
    before = snapshot(session, referral_id)
    stranger = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    other = signed_in(stranger)
    url = f"/referrals/{referral_id}/consent/revoke"
    other.get(url, status=404)
    response = other.submit(url, revocation(date.today()), form_url="/home")
    assert response.status_code == 404
    assert snapshot(session, referral_id) == before
    assert count(session, Revocation) == 0
    refusals = audit_rows(session, "access.refused", user_id=stranger.id)
    assert len(refusals) == 2 and {r.object_id for r in refusals} == {str(referral_id)}


def test_a_draft_has_no_consent_to_revoke(make, signed_in, referrer_for, session):
    browser = signed_in(referrer_for(SOCIAL))
    referral_id = builders.fill_draft_quickly(browser, SOCIAL)
    browser.get(f"/referrals/{referral_id}/consent/revoke", status=404)
    assert count(session, Referral) == 1

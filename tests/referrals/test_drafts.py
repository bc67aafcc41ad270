"""Drafts are saved on the server at every page: leaving, signing out or timing out loses nothing
already continued past, and the partner resumes where they stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portal.accounts.models import Role
from tests.accounts.helpers import sign_out
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    ROUTES,
    answers,
    audit_rows,
    check_url,
    page_data,
    slugs,
)

# Every place a partner can stop: after each page (the next one is where they resume), and after
# the consent page (they resume at check-your-answers).
STOPS = [(route, slug) for route in ROUTES for slug in slugs(route)] + \
        [(route, "check") for route in ROUTES]


def continue_link(page, referral_id: int) -> str:
    [link] = [a for a in page.soup.select("table a")
              if a.get_text(" ").strip().startswith("Continue")]
    assert link["href"] == f"/referrals/{referral_id}"
    return link["href"]


@pytest.mark.parametrize(("route", "stop"), STOPS)
def test_signing_in_again_resumes_the_draft_where_it_stopped(make, signed_in, session,
                                                             route, stop):
    user = make.referrer(route)
    browser = signed_in(user)
    order = slugs(route)
    upto = None if stop == "check" else stop
    referral_id = builders.fill_draft_quickly(browser, route, upto=upto)
    saved = answers(session, referral_id)
    continued_past = order if upto is None else order[:order.index(upto)]
    assert list(saved) == continued_past, "every page continued past is saved, in order"
    sign_out(browser)

    browser = signed_in(user)
    dashboard = browser.get("/referrals/")
    response = browser.raw.get(continue_link(dashboard, referral_id))
    target = check_url(referral_id) if stop == "check" else f"/referrals/{referral_id}/{stop}"
    assert response.status_code == 302 and response.location == target
    browser.get(target)  # the page itself, with the invariants every page keeps
    assert answers(session, referral_id) == saved


@pytest.mark.parametrize("route", ROUTES)
def test_a_page_already_saved_shows_its_answers_again(make, signed_in, route):
    browser = signed_in(make.referrer(route))
    referral_id = builders.fill_draft(browser, route)
    page = browser.get(f"/referrals/{referral_id}/person")
    assert page.value("legal_name") == "José O'Neil"
    assert page.value("date_of_birth-day") == "7"
    assert page.value("date_of_birth-year") == "1990"
    assert page.value("language") == "en"
    first = slugs(route)[1]
    shown = browser.get(f"/referrals/{referral_id}/{first}")
    name, value = next((k, v) for k, v in page_data(route, first).items() if isinstance(v, str))
    assert shown.value(name) == value


def test_the_referrer_page_starts_from_the_profile(make, signed_in, session):
    user = make.user(Role.REFERRER, name="Officer Kim Lee", phone="303 555 0111")  # no badge
    browser = signed_in(user)
    referral_id = builders.start(browser, ARREST)
    page = browser.get(f"/referrals/{referral_id}/referrer")
    assert page.value("name") == "Officer Kim Lee"
    assert page.value("phone") == "303 555 0111"
    # An incomplete profile answers nothing (a complete one: tests/referrals/test_start.py).
    assert answers(session, referral_id) == {}, "nothing is saved until the partner continues"


def test_every_saved_page_writes_an_audit_row(make, signed_in, session):
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    rows = audit_rows(session, "referral.draft_saved", object_id=str(referral_id))
    assert [row.detail["page"] for row in rows] == slugs(ARREST)


def test_a_session_timeout_loses_nothing_already_continued_past(make, signed_in, session):
    user = make.user(Role.REFERRER)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        browser = signed_in(user)
        referral_id = builders.fill_draft_quickly(browser, ARREST, upto="person")
        typed = browser.get(f"/referrals/{referral_id}/person").csrf_token()
    saved = answers(session, referral_id)
    assert list(saved) == ["referrer", "arrest", "charges"]

    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        # The person page, sent after 30 idle minutes: the partner is asked to sign in again.
        response = browser.raw.post(f"/referrals/{referral_id}/person",
                                    data={**page_data(ARREST, "person"), "csrf_token": typed})
        assert response.status_code == 302
        assert response.location.startswith("/sign-in") and "expired=1" in response.location
        assert answers(session, referral_id) == saved

        assert browser.sign_in(user).location == "/home"
        response = browser.raw.get(f"/referrals/{referral_id}")
        assert response.location == f"/referrals/{referral_id}/person"
        assert answers(session, referral_id) == saved, "the draft survived the timeout"
        page = browser.get(f"/referrals/{referral_id}/arrest")
        assert page.value("incident_number") == "24-0001"


def test_a_draft_is_listed_on_the_dashboard_with_its_status(make, signed_in):
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST, upto="circumstances")
    page = browser.get("/referrals/")
    [row] = page.soup.select("tbody tr")
    assert "Draft" in row.get_text(" ")
    assert "José O'Neil" in row.get_text(" ")
    assert continue_link(page, referral_id)

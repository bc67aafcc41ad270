"""Issue 14 in the browser: the shortest arrest diversion an officer makes in the field, on a
390 px phone in dark mode, by keyboard alone, counted (pages, fields, keystrokes) and axe-checked
in both colour schemes on every page; and the browser's Back and Reload never posting a form again.

The flow is driven by each page's heading, so the same script measured the flow before issue 14
(11 pages) and after. ``-s`` prints the counts and the time of the run.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from portal import db
from portal.accounts.models import User, UserSession
from portal.db import transaction
from portal.demo import accounts as demo

from tests.browser.conftest import axe_check, fresh_code, live_app, sign_in
from tests.browser.test_referral_flows import (
    PHONE, SAVE, active, fill, no_horizontal_scroll, press_button, tab_until,
)

CHECK = "Check your answers before sending the referral"
MOST_PAGES = 7

# The fewest answers an eligible arrest diversion needs, page by page (by heading).
SHORTEST = {
    "Which kind of referral?": [("radio", "route", "arrest_diversion")],
    "Your details": [],  # from the officer's profile
    "The arrest": [("text", "incident_number", "24-0107"), ("text", "arrest_place", "5th and Main")],
    "Which charges?": [("tick", "charges", "trespassing")],
    "The person": [("text", "legal_name", "Ana Ruiz"), ("born", "date_of_birth", "4/2/1988"),
                   ("radio", "language", "en")],
    # The pages issue 14 folded into "About the person":
    "Their circumstances": [("radio", "housing", "unknown")],
    "Race, ethnicity and gender": [("tick", "race", "prefer_not"),
                                   ("radio", "ethnicity", "prefer_not"),
                                   ("radio", "gender", "prefer_not")],
    "Anything of concern?": [],
    "About the person": [("radio", "housing", "unknown"), ("tick", "race", "prefer_not"),
                         ("radio", "ethnicity", "prefer_not"), ("radio", "gender", "prefer_not")],
    "Treatment court and orders": [("radio", "treatment_court", "none"),
                                   ("radio", "protective_order", "no")],
    "The person's consent": [("text", "signature", "Ana Ruiz"), ("tick", "confirmed", "y")],
}
# Typed only where the page does not already offer an answer (before issue 14 it did not).
WHEN_EMPTY = {"The arrest": [("arrest_date", None), ("arrest_time", "21:45")]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The device in dark mode, phone-sized."""
    return {**browser_context_args, "color_scheme": "dark", "viewport": PHONE}


class Counter:
    """Every key the officer presses: one for a press, one per character typed."""

    def __init__(self, page, monkeypatch):
        self.keys = 0
        keyboard = page.keyboard
        press, type_ = keyboard.press, keyboard.type

        def counted_press(key, **kw):
            self.keys += 1
            return press(key, **kw)

        def counted_type(text, **kw):
            self.keys += len(text)
            return type_(text, **kw)

        monkeypatch.setattr(keyboard, "press", counted_press)
        monkeypatch.setattr(keyboard, "type", counted_type)


def axe_both_schemes(page) -> None:
    """axe as the device shows it (dark), then in light: both must be clean."""
    for scheme in ("dark", "light"):
        page.emulate_media(color_scheme=scheme)
        axe_check(page)
    page.emulate_media(color_scheme="dark")


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def answer_page(page, title: str) -> int:
    """Answer one page with the fewest keys; returns how many fields were filled."""
    answers = list(SHORTEST[title])
    for element_id, value in WHEN_EMPTY.get(title, []):
        if not page.locator(f"#{element_id}").input_value():
            answers.append(("text", element_id, value or _yesterday()))
    fill(page, answers)
    return len(answers)


def _yesterday() -> str:
    day = time.localtime(time.time() - 86400)
    return f"{day.tm_mon}/{day.tm_mday}/{day.tm_year}"


def test_the_shortest_arrest_diversion_in_seven_pages_dark_by_keyboard(page, signed_in,
                                                                      monkeypatch):
    signed_in("officer@police.demo")
    started = time.perf_counter()
    counter = Counter(page, monkeypatch)
    tab_until(page, lambda a: a["tag"] == "a" and a["text"] == "Start a referral",
              "the Start a referral link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    pages, fields = [], 0
    while (title := heading(page)) != CHECK:
        assert title in SHORTEST, f"an unexpected page: {title!r}"
        assert title not in pages, f"{title!r} shown twice: an answer was refused"
        pages.append(title)
        no_horizontal_scroll(page)
        axe_both_schemes(page)
        fields += answer_page(page, title)
        button = "Continue" if title == "Which kind of referral?" else SAVE
        press_button(page, button)
    axe_both_schemes(page)
    expect(page.locator("#screening")).to_contain_text("no problems")
    seconds = time.perf_counter() - started
    print(f"\nshortest arrest diversion: {len(pages)} pages before check your answers, "
          f"{fields} fields filled, {counter.keys} keystrokes, {seconds:.1f} s with axe "
          f"(pages: {pages})")
    assert len(pages) <= MOST_PAGES, pages
    assert active(page) is not None


def test_back_and_reload_after_an_error_never_post_the_page_again(page, signed_in):
    """An error page is reached by redirect (303), so the browser has nothing to resubmit:
    Reload and Back fetch pages with GET, and what was typed is still there."""
    signed_in("officer@police.demo")
    page.goto("/referrals/new")
    choose_route = page.locator("input[name=route][value=arrest_diversion]")
    page.locator(f"label[for='{choose_route.get_attribute('id')}']").click()
    press_button(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("The arrest")
    fill(page, [("text", "incident_number", "24-0999"), ("text", "arrest_time", "25pm")])
    with page.expect_request(lambda r: r.method == "POST"):
        press_button(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    error_url = page.url
    assert error_url.endswith("/arrest"), "the error page is the page's own address, by GET"

    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.reload()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#arrest_time")).to_have_value("25pm")  # kept on the server
    expect(page.locator("#incident_number")).to_have_value("24-0999")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("The arrest")
    page.go_forward()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert posted == [], f"Back or Reload sent the page again: {posted}"

    fill(page, [("text", "arrest_time", "2145"), ("text", "arrest_place", "5th and Main")])
    press_button(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Which charges?")
    posted.clear()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("The arrest")
    expect(page.locator("#arrest_time")).to_have_value("2145")  # saved, shown from the answers
    page.reload()
    assert posted == [], f"Back or Reload sent the page again: {posted}"
    axe_both_schemes(page)


def test_a_page_posted_after_the_session_timed_out_is_there_after_signing_in(page):
    """The session ends while the officer types (30 minutes idle); Save goes to the sign-in
    page; signing in again lands on the page with everything typed."""
    email = "sergeant@police.demo"  # a session of its own: the shared officer's stays alive
    sign_in(page, email)
    signed_in_at = db.utcnow() - timedelta(seconds=5)
    page.goto("/referrals/new")
    choose_route = page.locator("input[name=route][value=arrest_diversion]")
    page.locator(f"label[for='{choose_route.get_attribute('id')}']").click()
    press_button(page, "Continue")
    fill(page, [("text", "incident_number", "24-0555"), ("text", "arrest_place", "Pier 9")])
    app = live_app()
    with transaction(app):  # this browser's session, last seen an hour ago
        user_id = db.session().scalar(select(User.id).where(User.email == email))
        db.session().execute(update(UserSession).where(
            UserSession.user_id == user_id, UserSession.created_at >= signed_in_at)
            .values(last_seen_at=db.utcnow() - timedelta(hours=1)))
    press_button(page)
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/referrals/\d+/arrest"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("6-digit code").fill(fresh_code(email))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The arrest")
    expect(page.locator("#incident_number")).to_have_value("24-0555")
    expect(page.locator("#arrest_place")).to_have_value("Pier 9")
    expect(page.locator(".portal-error-summary")).to_contain_text("Your answers are kept")
    axe_both_schemes(page)

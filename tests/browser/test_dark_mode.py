"""Dark mode follows the device (issue 14): every role's main pages, with the device in dark mode
and in light, pass axe (contrast included), and the page really is dark or light.

``LEAD_SCREENSHOTS=/some/dir`` saves a screenshot of each page in each scheme, to look at.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.db import transaction
from portal.demo.referrals import generate
from tests.browser.conftest import DESKTOP, axe_check, live_app
from tests.factories import _draft
from tests.stored_answers import stored_answers

SHOTS = os.environ.get("LEAD_SCREENSHOTS")
PHONE = {"width": 390, "height": 844}
OFFICER, OUTREACH = "officer@police.demo", "outreach@harbor.demo"
COORDINATOR, ADMIN = "coordinator@lead.demo", "admin@lead.demo"


@pytest.fixture(params=["dark", "light"])
def scheme(request, page) -> str:
    """The device's color scheme, for the whole test."""
    page.emulate_media(color_scheme=request.param)
    return request.param


def luminance(page, selector: str = "body") -> float:
    """The relative luminance (WCAG) of the element's computed background color."""
    return page.evaluate("""(selector) => {
        const [r, g, b] = getComputedStyle(document.querySelector(selector)).backgroundColor
            .match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; }""", selector)


def looks_right(page, scheme: str, name: str) -> None:
    """axe finds nothing, the page's background is the scheme's, and the buttons and the
    navigation keep their 44 px targets."""
    page.wait_for_load_state("load")
    axe_check(page)
    body = luminance(page)
    if scheme == "dark":
        assert body < 0.03, f"{name}: the page stays light in dark mode ({body:.3f})"
        assert luminance(page, ".usa-header") < 0.03, f"{name}: the header stays light"
    else:
        assert body > 0.9, f"{name}: the page is not light in light mode ({body:.3f})"
    small = page.evaluate("""() => [...document.querySelectorAll(
            'main .usa-button, .usa-nav-link, .usa-menu-btn, header .usa-button')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => e.textContent.trim())""")
    assert small == [], f"{name}: targets under 44 px: {small}"
    shoot(page, scheme, name)


def shoot(page, scheme: str, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"dark-mode-{scheme}-{name}.png"), full_page=True)


def _user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def full_draft(email: str, route: str) -> int:
    """A draft with every page answered, as the partner's Save and continue leaves it."""
    with transaction(live_app()) as session:
        referral = _draft(_user(session, email), route, stored_answers(route, date.today()), None)
        return referral.id


def empty_draft(email: str, route: str) -> int:
    with transaction(live_app()) as session:
        return _draft(_user(session, email), route, {}, ()).id


def test_the_document_says_it_has_both_schemes_and_prints_light(page, scheme):
    page.goto("/")
    assert page.locator("meta[name=color-scheme]").get_attribute("content") == "light dark"
    page.emulate_media(media="print")
    assert luminance(page) > 0.9, "paper stays white in either scheme"


def test_the_focus_ring_shows_on_the_scheme(page, scheme):
    """USWDS's #2491ff ring is dim on the dark surfaces; dark mode draws a lighter one."""
    page.goto("/sign-in")
    page.get_by_label("Email address").focus()
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert ring == ("rgb(89, 185, 255)" if scheme == "dark" else "rgb(36, 145, 255)")


def test_public_pages(page, scheme):
    page.goto("/")
    looks_right(page, scheme, "landing")
    page.goto("/sign-in")
    looks_right(page, scheme, "sign-in")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    looks_right(page, scheme, "sign-in-error")
    page.goto("/request-access")
    looks_right(page, scheme, "request-access")


def test_an_officer_on_a_phone(page, signed_in, scheme):
    page.set_viewport_size(PHONE)
    signed_in(OFFICER)
    looks_right(page, scheme, "officer-home")
    page.get_by_role("button", name="Menu").click()
    expect(page.locator(".usa-nav")).to_be_visible()  # the menu's panel: USWDS hides the rest
    assert (luminance(page, ".usa-nav") < 0.03) == (scheme == "dark"), "the menu follows too"
    if SHOTS:
        page.wait_for_timeout(500)  # the panel slides in: photograph it where it stops
    shoot(page, scheme, "officer-menu")
    page.get_by_role("button", name="Close").click()
    page.goto(f"/referrals/{empty_draft(OFFICER, 'arrest_diversion')}/person")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".usa-error-message").first).to_be_visible()
    looks_right(page, scheme, "officer-step-error")
    page.goto(f"/referrals/{full_draft(OFFICER, 'arrest_diversion')}/check")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Check"))
    looks_right(page, scheme, "officer-check")


def test_a_community_partner(page, signed_in, scheme):
    signed_in(OUTREACH)
    looks_right(page, scheme, "partner-home")
    page.goto(f"/referrals/{empty_draft(OUTREACH, 'social_contact')}/conduct")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".usa-error-message").first).to_be_visible()
    looks_right(page, scheme, "partner-conduct-error")
    page.goto(f"/referrals/{full_draft(OUTREACH, 'social_contact')}/check")
    looks_right(page, scheme, "partner-check")
    page.goto("/referrals/")
    looks_right(page, scheme, "partner-dashboard")


def test_a_coordinator(page, signed_in, scheme):
    with transaction(live_app()):
        generate(60, seed=14)
    page.set_viewport_size(DESKTOP)
    signed_in(COORDINATOR)
    page.goto("/review/")
    looks_right(page, scheme, "queue")
    page.locator("table.portal-queue tbody th a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral")
    looks_right(page, scheme, "coordinator-referral")
    page.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    looks_right(page, scheme, "reports")


def test_a_program_administrator(page, signed_in, scheme, new_context):
    signed_in(ADMIN)
    looks_right(page, scheme, "admin-home")
    page.goto("/admin/organisations")
    looks_right(page, scheme, "organizations")
    page.get_by_role("link", name="Metro Police Department").click()
    looks_right(page, scheme, "organization")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    looks_right(page, scheme, "invite-error")
    page.get_by_label("Full name").fill("Robin Dark")
    page.get_by_label("Work email address").fill(f"dark-{scheme}@police.demo")
    page.locator("label", has_text="Referrer").click()
    page.get_by_role("button", name="Send the invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    looks_right(page, scheme, "invited")
    # The invited person's own device, in the same scheme: the QR code stays dark on light.
    invitee = new_context(color_scheme=scheme).new_page()
    invitee.goto(urlsplit(link).path)
    expect(invitee.locator(".portal-qr svg")).to_be_visible()
    if scheme == "dark":  # (in light the page behind it is white)
        assert luminance(invitee, ".portal-qr svg") > 0.9, "a camera reads the code on white"
    looks_right(invitee, scheme, "accept-invitation")
    page.goto("/admin/access-requests")
    looks_right(page, scheme, "access-requests")
    page.goto("/audit/")
    looks_right(page, scheme, "audit-log")
    page.goto("/admin/mail")
    looks_right(page, scheme, "sent-mail")
    page.get_by_role("row").filter(has_text=f"dark-{scheme}@police.demo").get_by_role(
        "link").first.click()
    expect(page.locator("#message-recipient")).to_have_text(f"dark-{scheme}@police.demo")
    looks_right(page, scheme, "sent-message")

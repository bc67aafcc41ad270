"""The home page's "What needs you", for a partner and for a coordinator, checked with axe."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_check

OFFICER = "officer@police.demo"
COORDINATOR = "coordinator@lead.demo"


def _needs_you(page):
    return page.get_by_role("region", name="What needs you")


def test_a_partner_home_leads_with_what_needs_them(page, signed_in):
    signed_in(OFFICER)
    page.goto("/home")
    section = _needs_you(page)
    expect(section).to_be_visible()
    for heading in ("Questions waiting for your answer", "Decisions since you last looked"):
        expect(section.get_by_role("heading", level=3, name=heading)).to_be_visible()
    # It comes before the cards of what a partner can do.
    box = section.bounding_box()
    cards = page.get_by_role("heading", level=2, name="Start a referral").bounding_box()
    assert box["y"] < cards["y"]
    axe_check(page)


def test_a_coordinator_home_lists_holds_replies_and_deadlines(page, signed_in):
    signed_in(COORDINATOR)
    page.goto("/home")
    section = _needs_you(page)
    for heading in ("Referrals you hold", "Partner replies waiting", "Intake deadlines this week"):
        expect(section.get_by_role("heading", level=3, name=heading)).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

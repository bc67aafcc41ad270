"""The outbox's pages (Sent mail, Outbox) and a user's choice of notices, checked with axe."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, choose, invite

PROGRAM_ADMIN = "admin@lead.demo"
COORDINATOR = "coordinator@lead.demo"


def test_sent_mail_shows_the_invitation_the_administrator_just_made(page, signed_in):
    signed_in(PROGRAM_ADMIN)
    email = f"mail-{uuid.uuid4().hex[:8]}@harbor.demo"
    link = invite(page, "Harbor Outreach", "Robin Mail", email)
    page.get_by_role("banner").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox: messages not sent")
    axe_check(page)
    page.get_by_role("link", name="Sent mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent mail")
    row = page.get_by_role("row").filter(has_text=email)
    axe_check(page)
    row.get_by_role("link", name="You are invited to the LEAD Referral Portal").click()
    expect(page.locator("#message-recipient")).to_have_text(email)
    expect(page.locator("#message-text")).to_contain_text(link)
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, "the message reads at 320 px without scrolling sideways"


def test_a_coordinator_chooses_new_referrals_in_the_digest(page, signed_in):
    signed_in(COORDINATOR)
    page.goto("/profile")
    page.get_by_role("link", name="Choose which email notices you get").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email notices")
    axe_check(page)
    choose(page, "Only in my weekday digest")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your choice of notices has been saved")
    expect(page.get_by_label("Only in my weekday digest")).to_be_checked()
    axe_check(page)
    choose(page, "Email me at once")
    page.get_by_role("button", name="Save my choices").click()

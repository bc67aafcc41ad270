"""The page where a user sees their sessions, reached from their details (issue 10, item 12)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.demo import accounts as demo
from tests.browser.conftest import axe_check


def test_the_sessions_page_is_reached_from_your_details_and_passes_axe(page, signed_in):
    account = demo.ACCOUNTS[0]
    signed_in(account.email)
    page.get_by_role("navigation").get_by_role("link", name="Your details").first.click()
    page.get_by_role("link", name="See where you are signed in").click()
    expect(page).to_have_url(re.compile(r"/profile/sessions$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    expect(page.get_by_role("table")).to_contain_text("This session")
    axe_check(page)

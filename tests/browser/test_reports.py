"""The reports page in the browser: reached from the navigation, checked with axe with figures
on it, in its error state and on a 320 px screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.db import transaction
from portal.demo.referrals import generate
from tests.browser.conftest import NARROW, axe_check, live_app

COORDINATOR = "coordinator@lead.demo"


def _some_referrals() -> None:
    app = live_app()
    with transaction(app):
        generate(300, seed=13)


def test_the_reports_page_with_figures_charts_and_errors(page, signed_in):
    _some_referrals()
    signed_in(COORDINATOR)
    page.get_by_role("banner").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("table", name="Referrals by status and race")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Referrals by month"))).to_be_visible()
    expect(page.get_by_role("link", name="Download the whole report (PDF)")).to_be_visible()
    axe_check(page)

    page.get_by_label("From (YYYY-MM-DD)").fill("2026-02-30")
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_title(re.compile(r"^Error: Reports"))
    expect(page.get_by_role("alert").get_by_role("link", name=re.compile(
        "Enter the start date as YYYY-MM-DD"))).to_be_visible()
    expect(page.get_by_label("From (YYYY-MM-DD)")).to_have_value("2026-02-30")
    axe_check(page)


def test_the_reports_page_on_a_narrow_screen(page, signed_in):
    page.set_viewport_size(NARROW)
    signed_in(COORDINATOR)
    page.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"] + 1, width  # wide tables scroll inside their own region
    axe_check(page)

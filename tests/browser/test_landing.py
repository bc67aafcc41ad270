"""The public landing page, and no horizontal scrolling at 320 px (WCAG 1.4.10 reflow)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import NARROW, axe_check


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_landing_page_explains_lead_and_lists_the_charges(page):
    page.goto("/")
    expect(page).to_have_title("Law Enforcement Assisted Diversion – LEAD Referral Portal")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Law Enforcement Assisted Diversion (LEAD)")
    expect(page.get_by_role("heading", name="Who is eligible")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Shoplifting").first).to_be_visible()
    expect(page.get_by_role("link", name="Partners: sign in")).to_be_visible()
    axe_check(page)


def test_public_pages_fit_320_px_without_horizontal_scrolling(page):
    page.set_viewport_size(NARROW)
    for path in ("/", "/sign-in", "/request-access"):
        page.goto(path)
        assert page_width(page) <= NARROW["width"], path


def test_a_signed_in_home_page_fits_320_px(page, signed_in):
    page.set_viewport_size(NARROW)
    signed_in("admin@lead.demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Jordan Blake")
    assert page_width(page) <= NARROW["width"]
    expect(page.get_by_role("button", name="Menu")).to_be_visible()

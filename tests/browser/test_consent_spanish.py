"""The Spanish consent page in Chromium, with axe: wholly Spanish (lang="es" on the part in
Spanish), and one Spanish error state. The pages before it are posted through the browser's
own session (test_referral_flows.py walks them by keyboard)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import expect

from portal.referrals.forms import CONSENT_PAGE
from tests.browser.conftest import axe_check
from tests.browser.test_referral_flows import PHONE, no_horizontal_scroll, press_button, shows_errors
from tests.referrals import builders

ES = CONSENT_PAGE["es"]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _post(page, url: str, data: dict) -> str:
    """POST a form as the signed-in browser, with its CSRF token; the URL it lands on."""
    token = TOKEN.search(page.request.get(url).text()).group(1)
    response = page.request.post(url, data=urlencode({**data, "csrf_token": token}, doseq=True),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.ok, (url, response.status)
    return response.url


def _spanish_draft_at_consent(page, route: str) -> str:
    landed = _post(page, "/referrals/new", {"route": route})
    base = re.search(r"(/referrals/\d+)/", landed).group(1)
    for slug, data in builders.PAGES[route]:
        if slug == "person":
            data = {**data, "language": "es"}
        _post(page, f"{base}/{slug}", data)
    return f"{base}/consent"


def test_the_spanish_consent_page_and_an_error_pass_axe(page, signed_in):
    page.set_viewport_size(PHONE)
    signed_in("outreach@harbor.demo")
    page.goto(_spanish_draft_at_consent(page, "social_contact"))

    main = page.locator("main .grid-row > div")
    expect(main).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(ES["title"])
    expect(page.get_by_label(ES["signature_label"])).to_be_visible()
    expect(page.get_by_label(ES["date_label"], exact=True)).to_be_visible()
    expect(page.get_by_label(ES["confirm_label"])).not_to_be_checked()
    expect(page.get_by_role("button", name=ES["button"])).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)

    page.locator("#signature").fill("Jon O'Neil")  # not the legal name, and the box not ticked
    press_button(page, ES["button"])
    shows_errors(page, ES["signature_mismatch"].format(legal_name="José O'Neil"),
                 ES["not_confirmed"])
    summary = page.locator(".portal-error-summary")
    expect(summary).to_have_attribute("lang", "es")
    expect(summary.get_by_role("heading")).to_have_text(ES["error_heading"])
    expect(page.locator("#signature")).to_have_value("Jon O'Neil")
    expect(page.locator("#confirmed-error")).to_contain_text(ES["not_confirmed"])

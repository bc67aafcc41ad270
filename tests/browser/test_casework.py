"""After acceptance in the browser: a contact attempt's error state and its record, a case
manager, and the case conferencing list reached from the navigation; axe on each, and the list
on a 320 px screen."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.casework.models import ContactAttempt
from portal.db import transaction
from portal.demo.workflow import load_referrals
from portal.referrals.models import Referral
from portal.referrals.states import Status
from tests.browser.conftest import DESKTOP, NARROW, axe_check, live_app

COORDINATOR = "coordinator@lead.demo"
TODAY = date.today()


def _accepted_without_attempts() -> tuple[int, str]:
    """The demo's referrals (made once); one accepted that nobody has tried to reach yet."""
    app = live_app()
    with transaction(app):
        load_referrals()
    with transaction(app) as work:
        tried = select(ContactAttempt.referral_id)
        referral = work.scalars(select(Referral).where(
            Referral.status == Status.ACCEPTED, Referral.id.not_in(tried))
            .order_by(Referral.id)).first()
        return referral.id, referral.reference


def _pick(page, name: str, value: str) -> None:
    box = page.locator(f"input[name='{name}'][value='{value}']")
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def _press(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def test_after_acceptance_and_the_case_conference(page, signed_in):
    page.set_viewport_size(DESKTOP)
    ident, reference = _accepted_without_attempts()
    signed_in(COORDINATOR)
    page.goto(f"/review/referrals/{ident}")
    expect(page.get_by_role("heading", name="After acceptance")).to_be_visible()
    attempt = page.locator("details.portal-action").filter(
        has=page.locator("summary", has_text="Record a contact attempt"))
    attempt.locator("summary").click()

    # A date in the future and no outcome: the errors, the note and the method kept.
    later = TODAY + timedelta(days=2)
    page.fill("#attempt-date", f"{later.month}/{later.day}/{later.year}")
    _pick(page, "method", "phone")
    page.get_by_label("Note, optional (program staff only)").fill("Called the shelter desk.")
    _press(page, "Record the attempt")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".portal-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The date of the attempt must be today or in the past")
    expect(summary).to_contain_text("Select what came of the attempt")
    expect(page.locator("input[name='method'][value='phone']")).to_be_checked()
    expect(page.get_by_label("Note, optional (program staff only)")).to_have_value(
        "Called the shelter desk.")
    axe_check(page)

    page.fill("#attempt-date", f"{TODAY.month}/{TODAY.day}/{TODAY.year}")
    _pick(page, "outcome", "left_message")
    _press(page, "Record the attempt")
    expect(page.locator(".usa-alert[role=status]")).to_contain_text(
        "The contact attempt is recorded.")
    expect(page.locator("#contact-attempts")).to_contain_text("Left a message")

    page.locator("summary", has_text="Assign a case manager").click()
    _pick(page, "kind", "agency")
    page.get_by_label("Agency (program staff only)").fill("Harbor Outreach")
    _press(page, "Record the case manager")
    expect(page.locator("#case-manager")).to_contain_text("Harbor Outreach")
    axe_check(page)

    page.get_by_role("banner").get_by_role("link", name="Case conference").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case conference")
    row = page.locator("#group-accepted tr", has_text=reference)
    expect(row).to_contain_text("Harbor Outreach")
    expect(row).to_contain_text("Phone call: left a message")
    expect(page.get_by_role("link", name="Download the list as a PDF")).to_be_visible()
    axe_check(page)

    page.set_viewport_size(NARROW)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"] + 1, width
    axe_check(page)

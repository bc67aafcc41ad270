"""The prosecutor's office's list in Chromium, checked with axe: reached from its home page,
filtered by status, on a narrow screen too."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.db import transaction
from portal.referrals.answers import ARREST
from portal.referrals.states import Status
from tests.browser.conftest import NARROW, axe_check, live_app
from tests.factories import QUESTION, _draft, _send
from tests.stored_answers import stored_answers

PROSECUTOR = "prosecutor@da.demo"


def _decided_arrest_diversion(status: Status) -> str:
    """An arrest diversion of the demo police department, walked to ``status`` by the app's
    own operations (as the coordinator's buttons do), so that the office is told."""
    app = live_app()
    with app.app_context(), transaction(app) as work:
        officer = work.scalar(select(User).where(User.email == "officer@police.demo"))
        coordinator = work.scalar(select(User).where(User.email == "coordinator@lead.demo"))
        today = date.today()
        referral = _draft(officer, ARREST, stored_answers(ARREST, today), None)
        _send(work, referral, status, officer, coordinator, screening="eligible", today=today,
              partner_note=None, released=False, question=QUESTION)
        return referral.reference


def test_the_office_reads_its_arrest_diversions_from_its_home_page(page, signed_in):
    accepted = _decided_arrest_diversion(Status.ACCEPTED)
    declined = _decided_arrest_diversion(Status.DECLINED)
    signed_in(PROSECUTOR)
    page.goto("/home")
    page.get_by_role("link", name="See the arrest diversions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrest diversions")
    table = page.locator("#prosecutor-list")
    expect(table.get_by_role("row").filter(has_text=accepted)).to_contain_text("Accepted")
    expect(table.get_by_role("row").filter(has_text=declined)).to_contain_text("Declined")
    expect(table).to_contain_text("Metro Police Department")
    axe_check(page)
    page.get_by_label("Status").select_option("declined")
    page.get_by_role("button", name="Filter").click()
    expect(table.get_by_role("row").filter(has_text=declined)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=accepted)).to_have_count(0)
    axe_check(page)
    page.set_viewport_size(NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], "the list reads on a narrow screen without scrolling sideways"
    axe_check(page)
    table.get_by_role("link", name=declined).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Arrest diversion {declined}")
    axe_check(page)

"""The coordinators' review queue in the browser, with axe on every page and error state.

The partner side of a referral is tested by keyboard in test_referral_flows.py; here the officer
sends each referral quickly through the same pages (fill and click). Then: the "needs
information" round trip between a coordinator and the officer, the decisions' error states, a
stale action by two coordinators at once (the 409 page), and the queue on a 320 px screen and by
keyboard.

``LEAD_SCREENSHOTS=/some/dir`` saves screenshots of the queue and the referral page.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from portal.db import transaction
from portal.referrals.models import Referral
from tests.browser.conftest import DESKTOP, NARROW, axe_check, live_app

TODAY = date.today()
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("LEAD_SCREENSHOTS")
OFFICER, COORDINATOR, ADMIN = "officer@police.demo", "coordinator@lead.demo", "admin@lead.demo"
_incidents = iter(range(100, 1000))


def us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


# --- Steps ------------------------------------------------------------------------------------

@pytest.fixture
def desk(browser, base_url):
    """``desk()``: another person's browser (cookies of its own), closed after the test."""
    contexts = []

    def open_one(viewport=DESKTOP):
        context = browser.new_context(base_url=base_url, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def submit(page, label: str = "Save and continue") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def pick(page, name: str, value: str) -> None:
    """A USWDS radio or checkbox (the input is hidden) ticked by clicking its label."""
    box = page.locator(f"input[name='{name}'][value='{value}']")
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def send_referral(page, legal_name: str, other_charge: str | None = None) -> tuple[str, int]:
    """As the officer: an arrest diversion sent through the pages. ``other_charge`` (a charge
    not on the list) makes the screening "needs review". Returns (reference, id)."""
    page.goto("/referrals/new")
    pick(page, "route", "arrest_diversion")
    submit(page, "Continue")
    # Your details: answered from the officer's profile, skipped (issue 14).
    page.fill("#incident_number", f"24-0{next(_incidents)}")
    page.fill("#arrest_date", us(TODAY - timedelta(days=1)))
    page.fill("#arrest_time", "9:30pm")
    page.fill("#arrest_place", "5th and Main")
    submit(page)
    if other_charge:
        pick(page, "charges", "other")
        page.fill("#other_description", other_charge)
    else:
        pick(page, "charges", "trespassing")
    submit(page)
    page.fill("#legal_name", legal_name)
    for part, number in zip(("month", "day", "year"), ("3", "7", "1990")):
        page.fill(f"#date_of_birth-{part}", number)
    pick(page, "language", "en")
    submit(page)
    pick(page, "housing", "unsheltered")  # about the person: one page, no concerns
    pick(page, "race", "prefer_not")
    pick(page, "ethnicity", "prefer_not")
    pick(page, "gender", "prefer_not")
    submit(page)
    pick(page, "treatment_court", "none")
    pick(page, "protective_order", "no")
    submit(page)
    page.fill("#signature", legal_name)
    pick(page, "confirmed", "y")
    submit(page)
    submit(page, "Send the referral")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral sent")
    reference = page.locator("#reference").inner_text().strip()
    return reference, int(re.search(r"/referrals/(\d+)/confirmation", page.url).group(1))


def heading(page, text: str | re.Pattern) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def done(page, message: str) -> None:
    """The success message after an action (a redirect, then the page as it is now)."""
    expect(page.locator(".usa-alert[role=status]")).to_contain_text(message)


def shows_errors(page, *messages: str) -> None:
    """The error state: "Error: " title, the summary focused and linking each error, axe."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".portal-error-summary")
    expect(summary).to_be_focused()
    shown = [text.strip() for text in summary.get_by_role("link").all_inner_texts()]
    assert all(message in shown for message in messages), f"{messages} not all in {shown}"
    for link in summary.get_by_role("link").all():  # each link goes to a field on the page
        expect(page.locator(link.get_attribute("href"))).to_have_count(1)
    axe_check(page)


def disclosure(page, name: str):
    return page.locator("details.portal-action").filter(
        has=page.locator("summary", has_text=name))


def history(page):
    return page.locator("#history li")


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width} px"


def has_visible_focus(page) -> bool:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none'; }""")


def tab_to(page, wanted, most: int = 40) -> None:
    """Press Tab until the locator ``wanted`` has the focus, which it must show."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if wanted.evaluate("e => e === document.activeElement"):
            assert has_visible_focus(page), f"{wanted} shows where the focus is"
            return
    raise AssertionError(f"{wanted} is not reachable with Tab")


def screenshot(page, name: str) -> None:
    """With LEAD_SCREENSHOTS: the whole page in screen-high pieces, name-1.png, name-2.png..."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    width, height, tall = page.evaluate(
        "[window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]")
    for number, top in enumerate(range(0, tall, height), start=1):
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{number}.png"), full_page=True, clip={
            "x": 0, "y": top, "width": width, "height": min(height, tall - top)})


# --- The tests --------------------------------------------------------------------------------

def test_the_coordinator_asks_the_officer_and_gets_an_answer(page, desk, signed_in):
    page.set_viewport_size(PHONE)
    signed_in(OFFICER)
    reference, ident = send_referral(page, "Marisol Quintana")

    # The coordinator finds it in the queue with the filters, a GET form kept in the URL.
    coordinator = signed_in(COORDINATOR, desk())
    coordinator.get_by_role("link", name="Review queue").first.click()
    heading(coordinator, "Review queue")
    axe_check(coordinator)
    coordinator.select_option("#status", label="Submitted")
    coordinator.select_option("#route", label="Arrest diversion")
    submit(coordinator, "Filter")
    query = parse_qs(urlsplit(coordinator.url).query)
    assert query["status"] == ["submitted"] and query["route"] == ["arrest_diversion"], query
    expect(coordinator.locator("#status")).to_have_value("submitted")  # the filter stays shown
    row = coordinator.locator("tbody tr").filter(has_text=reference)
    expect(row.locator("td[data-label=Status]")).to_have_text("Submitted")
    expect(row.locator("td[data-label='Claimed by']")).to_have_text("Unclaimed")
    expect(row.locator("td[data-label=Screening]")).to_have_text("Eligible")
    axe_check(coordinator)
    row.get_by_role("link", name=reference).click()
    heading(coordinator, f"Referral {reference}")
    expect(coordinator.locator(".usa-intro")).to_contain_text("for Marisol Quintana")
    axe_check(coordinator)
    submit(coordinator, "Claim this referral")
    done(coordinator, "You are now working on this referral.")
    expect(coordinator.locator("#status")).to_have_text("In review")
    screenshot(coordinator, "referral-desktop")

    # "Ask the partner" is a disclosure: opened by keyboard; a blank question is refused.
    asking = disclosure(coordinator, "Ask the partner")
    expect(asking.get_by_label("What do you need from the partner?")).to_be_hidden()
    assert asking.locator("summary").bounding_box()["height"] >= 44, "a 44 px target"
    asking.locator("summary").focus()
    assert has_visible_focus(coordinator), "the disclosure shows where the focus is"
    coordinator.keyboard.press("Enter")
    expect(asking).to_have_attribute("open", "")
    submit(coordinator, "Send the question")
    shows_errors(coordinator, "Enter what you need from the partner")
    expect(disclosure(coordinator, "Ask the partner")).to_have_attribute("open", "")
    question = "Which shelter is she staying at now? The address given is a bridge."
    coordinator.get_by_label("What do you need from the partner?").fill(question)
    submit(coordinator, "Send the question")
    done(coordinator, "Your question has been sent to the partner.")
    expect(coordinator.locator("#status")).to_have_text("Needs information")
    axe_check(coordinator)

    # The officer sees the question on the referral page, and answers (blank first).
    page.goto(f"/referrals/{ident}")
    expect(page.locator("#status")).to_have_text("Needs information")
    expect(page.locator("#question")).to_have_text(question)
    axe_check(page)
    submit(page, "Send the answer")
    shows_errors(page, "Enter your answer")
    no_horizontal_scroll(page)
    answer = "Harbor House on 2nd, bed 14, since Monday."
    page.get_by_label("Your answer").fill(answer)
    submit(page, "Send the answer")
    done(page, "Your answer has been sent. The referral is back with the coordinator.")
    expect(page.locator("#status")).to_have_text("In review")
    expect(page.locator("#question")).to_have_count(0)  # nothing left to answer
    axe_check(page)

    # Back with the coordinator: in review, the question with its answer, both transitions.
    coordinator.goto(f"/review/referrals/{ident}")
    expect(coordinator.locator("#status")).to_have_text("In review")
    asked = coordinator.locator("dt", has_text=question)
    expect(asked).to_contain_text("Casey Nguyen")
    expect(asked.locator("xpath=following-sibling::dd[1]")).to_have_text(answer)
    expect(history(coordinator).filter(has_text="In review → Needs information")).to_contain_text(
        f"by Casey Nguyen – to or from the partner: “{question}”")
    expect(history(coordinator).filter(has_text="Needs information → In review")).to_contain_text(
        "by Officer Dana Reyes – to or from the partner: “Information added by the partner”")
    axe_check(coordinator)
    # The officer's page keeps the question and its answer too.
    page.reload()
    expect(page.locator("dt", has_text=question).locator("xpath=following-sibling::dd[1]")
           ).to_have_text(answer)


def test_decisions_refuse_what_is_missing_and_say_so(page, signed_in):
    page.set_viewport_size(DESKTOP)
    signed_in(OFFICER)
    reference, ident = send_referral(page, "Teodoro Blankenship",
                                     other_charge="Criminal mischief under $100")
    page.context.clear_cookies()
    signed_in(COORDINATOR)
    page.goto(f"/review/referrals/{ident}")
    heading(page, f"Referral {reference}")
    submit(page, "Claim this referral")
    expect(page.locator("#screening")).to_contain_text("Needs a coordinator’s review")

    # Decline without a reason: the Decline disclosure comes back open with the errors.
    declining = disclosure(page, "Decline")
    declining.locator("summary").click()
    submit(page, "Decline the referral")
    shows_errors(page, "Select a reason", "Select who declined",
                 "Enter a note explaining the decision")
    expect(disclosure(page, "Decline")).to_have_attribute("open", "")
    screenshot(page, "referral-decline-errors")
    expect(page.locator("#status")).to_have_text("In review")

    # Accepting against the screening needs a written justification.
    submit(page, "Accept the referral")
    shows_errors(page, "Write why you are accepting a referral the screening did not find "
                       "eligible")
    justification = "Mischief was a broken bottle; the DA agrees it fits the program."
    page.get_by_label("Why accept against the screening?").fill(justification)
    submit(page, "Accept the referral")
    done(page, "The referral is accepted.")
    expect(page.locator("#status")).to_have_text("Accepted")
    expect(page.get_by_role("heading", name="Screening overridden")).to_be_visible()
    axe_check(page)

    # Intake completed without its date, then with a date typed as people write it.
    page.locator("label", has_text="Intake completed").click()
    submit(page, "Record the intake")
    shows_errors(page, "Enter the date of intake")
    expect(page.get_by_label("Intake completed")).to_be_checked()  # the choice is kept
    intake = TODAY - timedelta(days=1)
    page.fill("#completed_on", us(intake))
    submit(page, "Record the intake")
    done(page, "The intake is recorded.")
    expect(page.locator("#status")).to_have_text("Intake completed")
    expect(history(page).filter(has_text="Accepted → Intake completed")).to_contain_text(
        f"Intake completed on {intake.isoformat()}")
    expect(page.get_by_text("No actions: the referral is intake completed.")).to_be_visible()
    axe_check(page)


def test_a_decision_on_a_referral_that_changed_meanwhile_is_refused(page, desk, signed_in):
    page.set_viewport_size(DESKTOP)
    signed_in(OFFICER)
    reference, ident = send_referral(page, "Wendell Achterberg")
    page.context.clear_cookies()

    # Two coordinators open the same referral (claimed by the first) at the same time.
    signed_in(COORDINATOR)
    page.goto(f"/review/referrals/{ident}")
    submit(page, "Claim this referral")
    other = signed_in(ADMIN, desk())
    other.goto(f"/review/referrals/{ident}")
    expect(other.locator("#status")).to_have_text("In review")

    submit(page, "Accept the referral")
    done(page, "The referral is accepted.")

    # The second declines what they saw: nothing is saved, and the page says what changed.
    other.locator("details.portal-action summary", has_text="Decline").click()
    pick(other, "reason", "duplicate")
    pick(other, "declined_by", "program")
    other.locator("#decline-note").fill("Referred twice this week.")
    with other.expect_response(re.compile(rf"/review/referrals/{ident}/decline$")) as posted:
        submit(other, "Decline the referral")
    assert posted.value.status == 409
    heading(other, "This referral changed after you opened it")
    expect(other.locator("#what-changed")).to_contain_text(
        f"Referral {reference} is now accepted")
    expect(other.locator("#what-changed")).to_contain_text("accepted by Casey Nguyen")
    axe_check(other)
    other.get_by_role("link", name="See the referral as it is now").click()
    expect(other.locator("#status")).to_have_text("Accepted")
    expect(history(other).filter(has_text="Declined")).to_have_count(0)


def test_the_queue_on_a_narrow_screen_and_by_keyboard(page, signed_in):
    signed_in(OFFICER)
    reference, ident = send_referral(page, "Ignatius Okonkwo-Bell")
    with transaction(live_app()) as session:  # its deadline passed two days ago
        session.execute(update(Referral).where(Referral.id == ident)
                        .values(intake_deadline=TODAY - timedelta(days=2)))
    page.context.clear_cookies()
    signed_in(COORDINATOR)

    for size, name in ((DESKTOP, "queue-desktop"), (PHONE, "queue-390")):
        page.set_viewport_size(size)
        page.goto("/review/")
        screenshot(page, name)
    page.set_viewport_size(NARROW)
    page.goto("/review/")
    heading(page, "Review queue")
    no_horizontal_scroll(page)
    axe_check(page)
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row.locator("td[data-label='Intake deadline']")).to_contain_text("Overdue by 2 days")
    expect(row.locator("td").first).to_have_css("background-color", "rgb(248, 223, 226)")
    # Every overdue row says so in words, not only in colour.
    for overdue in page.locator("tbody tr.portal-overdue").all():
        expect(overdue).to_contain_text("Overdue by")

    # By keyboard: the filters (only the overdue ones), then "Claim the next referral".
    claim_next = page.get_by_role("button", name="Claim the next referral")
    tab_to(page, claim_next)  # from the top of the page just loaded
    tab_to(page, page.locator("#status"))
    tab_to(page, page.locator("#overdue"))
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    expect(page.locator("#overdue")).to_have_value("1")
    tab_to(page, page.get_by_role("button", name="Filter", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["overdue"] == ["1"]
    no_horizontal_scroll(page)
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text=reference)).to_have_count(1)
    for each in rows.all():
        expect(each.locator("td[data-label='Intake deadline']")).to_contain_text("Overdue by")
    axe_check(page)

    tab_to(page, claim_next)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    done(page, f"You are now working on {reference}.")  # the most overdue goes first
    heading(page, f"Referral {reference}")
    expect(page.get_by_text("overdue by 2 days", exact=True)).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)
    screenshot(page, "referral-320")
    # On a narrow screen the actions come after the whole referral: a link near the top.
    page.get_by_role("link", name="Go to the actions").click()
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_in_viewport()

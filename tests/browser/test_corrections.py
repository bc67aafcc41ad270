"""Corrections on the round trip in the browser, axe on every page: the coordinator ticks a page
when asking, the officer corrects it on its own form and answers, and the coordinator sees
version 1 and version 2 side by side, each with its screening."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.referrals.steps import BY_SLUG
from tests.browser.conftest import DESKTOP, axe_check
from tests.browser.test_review_flows import (  # noqa: F401  (desk: a fixture)
    PHONE, desk, disclosure, done, heading, pick, screenshot, send_referral, submit,
)

COORDINATOR, OFFICER = "coordinator@lead.demo", "officer@police.demo"
QUESTION = "Please check the treatment court answer with her: the court lists a case."


def test_a_ticked_page_is_corrected_and_both_versions_are_shown(page, desk, signed_in):
    page.set_viewport_size(DESKTOP)
    signed_in(OFFICER)
    reference, ident = send_referral(page, "Rosalind Achterberg")

    coordinator = signed_in(COORDINATOR, desk())
    coordinator.goto(f"/review/referrals/{ident}")
    submit(coordinator, "Claim this referral")
    asking = disclosure(coordinator, "Ask the partner")
    asking.locator("summary").click()
    expect(asking.get_by_label(BY_SLUG["consent"].title)).to_have_count(0)  # never correctable
    expect(asking.get_by_label(BY_SLUG["person"].title, exact=True)).to_have_count(1)
    coordinator.get_by_label("What do you need from the partner?").fill(QUESTION)
    coordinator.locator("label", has_text="Treatment court and orders").click()
    expect(asking.get_by_label("Treatment court and orders")).to_be_checked()
    axe_check(coordinator)
    submit(coordinator, "Send the question")
    done(coordinator, "Your question has been sent to the partner.")

    # The officer opens the ticked page (and only it), filled in as sent, and corrects it.
    page.goto(f"/referrals/{ident}")
    links = page.locator("#pages-to-correct a")
    expect(links).to_have_count(1)
    axe_check(page)
    links.first.click()
    heading(page, "Correct: Treatment court and orders")
    expect(page.get_by_label("No", exact=True).first).to_be_checked()
    axe_check(page)
    pick(page, "treatment_court", "pending")
    submit(page, "Save the correction")
    done(page, "Your correction of “Treatment court and orders” is saved.")
    expect(page.locator("#pages-to-correct li")).to_contain_text("corrected, to be sent")
    axe_check(page)
    page.get_by_label("Your answer").fill("She has a case pending since last week.")
    submit(page, "Send the answer")
    done(page, "Your answer has been sent. The referral is back with the coordinator.")
    expect(page.locator("#pages-to-correct")).to_have_count(0)

    coordinator.goto(f"/review/referrals/{ident}")
    heading(coordinator, f"Referral {reference}")
    versions = coordinator.locator("#versions")
    expect(versions.get_by_role("heading", level=2)).to_have_text(
        "Answers and screening, version 1 and version 2")
    decision = coordinator.locator("#versions-decision td")
    expect(decision).to_have_text(["Eligible", "Not eligible", "Changed"])
    row = versions.locator("tr", has=coordinator.locator(
        "th", has_text="Does the person have a case in a treatment court program?"))
    expect(row.locator("td")).to_have_text(["No", "Yes, a case is pending", "Changed"])
    expect(coordinator.locator("#screening")).to_contain_text("Not eligible")
    axe_check(coordinator)
    versions.scroll_into_view_if_needed()
    screenshot(coordinator, "versions-desktop")
    # On a phone the table stacks: each cell says which version it is, nothing scrolls sideways.
    coordinator.set_viewport_size(PHONE)
    width = coordinator.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the versions scroll sideways: {width} px"
    expect(row.locator("td").first).to_be_visible()
    screenshot(coordinator, "versions-phone")
    axe_check(coordinator)

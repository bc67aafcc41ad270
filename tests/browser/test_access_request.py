"""The public "Request partner access" form: errors, answers kept, sent, seen by the program."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, choose

REQUIRED = ("Enter the name of your organization", "Select what kind of organization it is",
            "Enter your full name", "Enter your work email address",
            "Enter why your organization wants to refer people")


def test_the_request_form_errors_keep_the_answers_then_it_is_sent(page, signed_in, new_context):
    page.goto("/")
    page.get_by_role("link", name="Request partner access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request partner access")
    page.get_by_role("button", name="Send the request").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(list(REQUIRED))
    expect(page).to_have_title(re.compile(r"^Error: "))

    organisation = f"Eastside Shelter {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name of your organization").fill(organisation)
    choose(page, "A community partner")
    page.get_by_label("Your full name").fill("Zoë D'Arcy")
    page.get_by_role("button", name="Send the request").click()
    expect(summary.get_by_role("link")).to_have_text(list(REQUIRED[3:]))
    expect(page.get_by_label("Name of your organization")).to_have_value(organisation)
    expect(page.get_by_label("A community partner")).to_be_checked()
    expect(page.get_by_label("Your full name")).to_have_value("Zoë D'Arcy")
    expect(page.locator(".portal-error-summary")).to_be_focused()
    axe_check(page)

    page.get_by_label("Your work email address").fill("zoe@eastside.example")
    page.get_by_label("Your phone number (optional)").fill("303 555 0199")
    page.get_by_label("Why does your organization").fill("We meet people sleeping rough downtown.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    axe_check(page)

    admin = signed_in("admin@lead.demo", new_context().new_page())  # the program's browser
    admin.get_by_role("banner").get_by_role("link", name="Access requests").click()
    expect(admin.get_by_role("heading", name="Waiting for a decision")).to_be_visible()
    admin.get_by_role("link", name=organisation).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Request from {organisation}")
    expect(admin.get_by_role("main")).to_contain_text("Zoë D'Arcy, zoe@eastside.example")
    axe_check(admin)

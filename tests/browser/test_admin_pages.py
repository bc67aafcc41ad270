"""The administrators' pages, each checked with axe, including the invitation form's states."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import axe_check, choose

PROGRAM_ADMIN = "admin@lead.demo"


def test_organisations_an_organisation_and_the_invite_page(page, signed_in):
    signed_in(PROGRAM_ADMIN)
    page.get_by_role("banner").get_by_role("link", name="Organizations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizations")
    for name in ("Metro Police Department", "Harbor Outreach", "LEAD Program (demo)"):
        expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Metro Police Department").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Metro Police Department")
    expect(page.get_by_role("rowheader", name="Officer Dana Reyes")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Invite a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invite a user to Metro Police Department")
    expect(page.get_by_label("Badge number (officers)")).to_be_visible()
    axe_check(page)


def test_the_invite_form_blank_then_valid(page, signed_in):
    signed_in(PROGRAM_ADMIN)
    page.goto("/admin/organisations")
    page.get_by_role("link", name="Harbor Outreach").click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_role("button", name="Send the invitation").click()

    expect(page).to_have_title(re.compile(r"^Error: Invite a user"))
    summary = page.get_by_role("alert")
    for message in ("Enter the person's full name", "Enter the person's work email address",
                    "Select a role"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".portal-error-summary")).to_be_focused()
    axe_check(page)

    email = f"new-{uuid.uuid4().hex[:10]}@harbor.demo"
    page.get_by_label("Full name").fill("Rosa O'Neill")
    page.get_by_label("Work email address").fill(email)
    choose(page, "Referrer")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa O'Neill has been invited")
    expect(page.get_by_label("Invitation link")).to_have_value(re.compile(r"/invitation/\S{20,}$"))
    axe_check(page)


def test_access_requests_and_the_audit_log(page, signed_in):
    signed_in(PROGRAM_ADMIN)
    page.get_by_role("banner").get_by_role("link", name="Access requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for partner access")
    axe_check(page)

    page.get_by_role("banner").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="sign_in", exact=True).first).to_be_visible()
    axe_check(page)


def test_a_partner_administrator_sees_their_organisation(page, signed_in):
    signed_in("admin@harbor.demo")
    page.get_by_role("banner").get_by_role("link", name="Your organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Outreach")
    expect(page.get_by_role("rowheader", name="Sam Okafor")).to_be_visible()
    expect(page.get_by_role("link", name="All organizations")).to_have_count(0)
    axe_check(page)


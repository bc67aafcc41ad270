"""Accepting an invitation: the QR code (inline SVG with a title), the typed key, and enrolment."""

from __future__ import annotations

import re
import uuid

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, invite


def test_an_invited_person_scans_or_types_the_key_and_sets_up_their_account(
        page, signed_in, new_context):
    signed_in("admin@lead.demo")
    path = invite(page, "Metro Police Department", "Ana Lucía Peña",
                  f"new-{uuid.uuid4().hex[:10]}@police.demo")

    invitee = new_context().new_page()  # the invited person's own browser, not signed in
    invitee.goto(path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up your account")
    expect(invitee.get_by_text("Ana Lucía Peña, you have been invited")).to_be_visible()
    qr = invitee.locator(".portal-qr svg")
    expect(qr).to_be_visible()
    expect(qr.locator("title")).to_have_text("QR code for your authenticator app")
    secret = invitee.locator("#totp-secret")
    expect(secret).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    axe_check(invitee)

    invitee.get_by_label("Create a password").fill("lantern orchard quietly 7 velvet")
    invitee.get_by_label("Confirm your password").fill("lantern orchard quietly 7 velvet")
    invitee.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret.inner_text()).now())
    invitee.get_by_role("button", name="Set up my account").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Your account is ready")
    expect(invitee.locator("#recovery-codes li")).to_have_count(10)
    axe_check(invitee)
    invitee.get_by_role("link", name="I have saved my codes – continue").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Welcome, Ana Lucía Peña")

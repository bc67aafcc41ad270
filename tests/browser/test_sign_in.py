"""Sign-in with password and TOTP code for every demo account, sign-out, and the error states."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from portal.demo import accounts as demo
from tests.browser.conftest import DESKTOP, axe_check, enter_password, fresh_code

_checked: set[str] = set()  # the distinct pages axe has already passed in this run


def check_once(page, key: str) -> None:
    if key not in _checked:
        axe_check(page)
        _checked.add(key)


def expect_error_summary(page, *messages: str) -> None:
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert page.evaluate("document.activeElement.classList.contains('portal-error-summary')"), \
        "focus moves to the error summary"


@pytest.mark.parametrize("account", demo.ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_signs_in_with_both_factors_and_out(page, account):
    page.set_viewport_size(DESKTOP)
    enter_password(page, account.email)
    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app")
    check_once(page, "code")
    page.get_by_label("6-digit code").fill(fresh_code(account.email))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {account.name}")
    expect(page.get_by_role("banner")).to_contain_text(account.organisation)
    check_once(page, f"home:{account.role.value}")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto("/home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_blank_sign_in_shows_the_error_summary_with_focus_on_it(page):
    page.goto("/sign-in")
    page.get_by_role("button", name="Continue").click()
    expect_error_summary(page, "Enter your email address", "Enter your password")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    page.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_a_wrong_password_and_an_unknown_account_get_the_same_message(page):
    enter_password(page, "nobody@police.demo", "not the password at all")
    expect_error_summary(page)
    unknown = page.locator(".portal-error-summary li").all_inner_texts()
    enter_password(page, "sergeant@police.demo", "not the password at all")
    expect_error_summary(page)
    wrong = page.locator(".portal-error-summary li").all_inner_texts()
    assert wrong == unknown and wrong[0].startswith("The email address or password is not right")
    expect(page.get_by_label("Email address")).to_have_value("sergeant@police.demo")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    axe_check(page)


def test_a_wrong_code_is_refused_on_the_code_page(page):
    email = "outreach@harbor.demo"
    enter_password(page, email)
    totp = pyotp.TOTP(demo.find(email).totp_secret)
    valid = {totp.at(time.time() + 30 * k) for k in (-1, 0, 1)}
    wrong = next(code for code in ("123456", "654321", "111111") if code not in valid)
    page.get_by_label("6-digit code").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    expect_error_summary(page)
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    axe_check(page)

"""Everything by keyboard alone, with a visible focus (WCAG 2.1.1, 2.4.1, 2.4.7)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.demo.accounts import PASSWORD
from tests.browser.conftest import DESKTOP, fresh_code

FOCUSED = "document.activeElement"


def focused_id(page) -> str:
    return page.evaluate(f"{FOCUSED} && {FOCUSED}.id")


def skip_to_main(page) -> None:
    """From the top of a page: the skip link is the first stop, and Enter moves focus to main."""
    assert page.evaluate(f"{FOCUSED} === document.body"), "focus starts at the top of the page"
    page.keyboard.press("Tab")
    expect(page.locator(".usa-skipnav")).to_be_focused()
    expect(page.locator(".usa-skipnav")).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def tab_to(page, element_id: str, most: int = 15) -> None:
    """Press Tab until ``element_id`` has focus, as a person would; fail after ``most`` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def has_visible_focus(page) -> bool:
    return page.evaluate(f"""() => {{
        const style = getComputedStyle({FOCUSED});
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== 'none';
    }}""")


def test_signing_in_by_keyboard_alone(page):
    email = "officer@police.demo"
    page.set_viewport_size(DESKTOP)
    page.goto("/sign-in")
    skip_to_main(page)

    page.keyboard.press("Tab")
    assert focused_id(page) == "email"
    assert has_visible_focus(page), "a focused input shows a focus indicator"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert focused_id(page) == "password"
    assert has_visible_focus(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    # The skip link's #main-content survives the form post and the redirect, so the browser
    # starts the next Tab from main on the code page (not from the top).
    expect(page).to_have_url(re.compile(r"/sign-in/code(#main-content)?$"))
    tab_to(page, "code")
    assert has_visible_focus(page)
    page.keyboard.type(fresh_code(email))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/home(#main-content)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Officer Dana Reyes")

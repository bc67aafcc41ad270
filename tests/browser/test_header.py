"""The header on a 1280 px screen: one line for every role, whatever its menu holds (issue 14,
item 5). A wrapped header (a label or Sign out broken over two lines, or the menu under the
portal's name) pushes the page down and reads as two menus."""

from __future__ import annotations

import pytest

from portal.demo import accounts as demo
from tests.browser.conftest import DESKTOP

ONE_OF_EACH_ROLE = list({account.role: account for account in demo.ACCOUNTS}.values())
# How many lines of text each matching element of the header takes (its range's line boxes).
LINES = """selector => [...document.querySelectorAll(selector)].map(element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].filter(r => r.width > 0)
                 .map(r => Math.round(r.top))).size;
})"""


def _boxes(page, selector: str) -> list[dict]:
    return [box for box in (item.bounding_box() for item in page.locator(selector).all()) if box]


def _lines(page, selector: str) -> list[int]:
    return page.evaluate(LINES, selector)


@pytest.mark.parametrize("account", ONE_OF_EACH_ROLE, ids=lambda a: a.role.value)
def test_the_header_is_one_line_at_1280px(page, signed_in, account):
    page.set_viewport_size(DESKTOP)
    signed_in(account.email)
    items = _boxes(page, ".usa-nav__primary > .usa-nav__primary-item")
    assert len(items) >= 2, "the role's menu is shown"
    assert len({round(box["y"]) for box in items}) == 1, "the menu is one row"
    assert set(_lines(page, ".usa-nav__primary .usa-nav-link span")) == {1}, \
        "no menu label is broken over two lines"
    assert _lines(page, ".portal-account .usa-button") == [1], "Sign out is one line"
    assert _lines(page, ".portal-account__who") == [2], "the name, then the organization"
    line_top = min(box["y"] for box in items)
    line_bottom = max(box["y"] + box["height"] for box in items)
    [account_box] = _boxes(page, ".portal-account")
    assert account_box["y"] < line_bottom and account_box["y"] + account_box["height"] > line_top, \
        "the name and Sign out sit beside the menu, not under it"
    [logo] = _boxes(page, ".usa-logo")
    assert line_top < logo["y"] + logo["height"], "the menu sits beside the portal's name"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], \
        "nothing runs off the screen"

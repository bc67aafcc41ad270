"""Browser tests: Playwright driving Debian's Chromium against the app served from a thread.

One live server per run, on a fresh migrated database (SQLite or PostgreSQL, as the rest of the
suite) with the demo accounts loaded. Tests skip when Chromium is missing, or fail under
LEAD_REQUIRE_ALL=1. Never run ``playwright install``: the download fails on these machines.
"""

from __future__ import annotations

import shutil
import threading
import time
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from portal import create_app
from portal.db import transaction
from portal.demo import accounts as demo
from tests.conftest import need, test_settings

CHROMIUM = shutil.which("chromium")
WCAG = {"runOnly": {"type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
STEP = 30


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args,
            "executable_path": CHROMIUM or "/usr/bin/chromium",
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-quic"]}


class _ReadWhole:
    """The app, each response read whole and closed before the server writes a byte. Werkzeug's
    dev server skips closing a response when the browser drops the connection (a favicon request
    cut short by the next page): the static file it holds stays open, and its ResourceWarning fails
    whichever test is running.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        response = self.app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()


@pytest.fixture(scope="session")
def live_server(databases):
    """The app on a fresh database with the demo data, served on 127.0.0.1 from a thread."""
    need(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    app = create_app(test_settings(databases.new()))
    with transaction(app):
        demo.load_accounts()
    server = make_server("127.0.0.1", 0, _ReadWhole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["portal.db"].engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server


@pytest.fixture(autouse=True)
def _fail_fast(context):
    """Fail in seconds, not Playwright's 30: every page here is served locally."""
    context.set_default_timeout(10_000)


# --- Signing in -----------------------------------------------------------------------------

_last_step: dict[str, int] = {}


def fresh_code(email: str) -> str:
    """A TOTP code for a time step this helper has not used for ``email`` (each works once).

    The server accepts the previous, current and next step, each once and in increasing order.
    This takes the current step, or the next one if the current was used; only a third sign-in
    of the same account within one step has to wait for the clock.
    """
    secret = demo.find(email).totp_secret
    while True:
        now = int(time.time() // STEP)
        step = max(now, _last_step.get(email, 0) + 1)
        if step <= now + 1:
            break
        time.sleep((now + 1) * STEP - time.time() + 0.05)
    _last_step[email] = step
    return pyotp.TOTP(secret).at(step * STEP)


def enter_password(page, email: str, password: str = demo.PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def sign_in(page, email: str) -> None:
    """Both factors through the forms, as a person does; ends on the home page."""
    enter_password(page, email)
    page.get_by_label("6-digit code").fill(fresh_code(email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")


@pytest.fixture(scope="session")
def _signed_in_cookies() -> dict[str, list]:
    return {}


@pytest.fixture
def signed_in(page, _signed_in_cookies):
    """``signed_in(email)``: this test's page (or ``other``) with that account's session.

    Later tests reuse the session cookie instead of signing in again, which saves both time and
    TOTP steps. Tests that sign out must use ``sign_in`` for a session of their own.
    """

    def as_user(email: str, other=None):
        target = other or page
        cookies = _signed_in_cookies.get(email)
        if cookies is None:
            sign_in(target, email)
            _signed_in_cookies[email] = target.context.cookies()
        else:
            target.context.add_cookies(cookies)
            target.goto("/home")
        return target

    return as_user


# --- Accessibility --------------------------------------------------------------------------

_axe = Axe()


def axe_check(page) -> None:
    """No axe-core WCAG 2.0-2.2 A/AA violations on the page as it is now."""
    results = _axe.run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


# --- Shared steps ---------------------------------------------------------------------------

def choose(page, label: str) -> None:
    """Tick a USWDS radio or checkbox as a person does: by its label (the input is hidden)."""
    page.locator("label", has_text=label).click()
    expect(page.get_by_label(label)).to_be_checked()


def invite(page, organisation: str, name: str, email: str, role: str = "Referrer") -> str:
    """As an administrator already signed in: invite someone; returns the link's path."""
    page.goto("/admin/organisations")
    page.get_by_role("link", name=organisation, exact=True).click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Work email address").fill(email)
    choose(page, role)
    page.get_by_role("button", name="Send the invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    return urlsplit(link).path


# --- The live server's own app ----------------------------------------------------------------

def live_app():
    """The app the live server serves (it runs in this process), for the little the pages cannot
    make, such as an intake deadline that has already passed. Write inside ``transaction(app)``.
    """
    for thread in threading.enumerate():
        if thread.name == "live-server":
            target = getattr(thread, "_target", None)  # the server's bound serve_forever
            server = getattr(target, "__self__", None)
            if server is not None:
                return server.app.app
    raise RuntimeError("the live server is not running: request the live_server fixture")

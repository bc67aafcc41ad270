"""Helpers and fixtures shared by the accounts and admin security tests.

The fixtures are imported into tests/accounts/conftest.py and tests/admin/conftest.py.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
import socket
from urllib.parse import quote

import pytest

from portal import create_app, db
from portal.web.security import limiter
from tests.conftest import test_settings
from tests.pages import PASSWORD, Client
from tests.reading import audit_rows, count  # noqa: F401  (re-exported for the tests here)

LINK = re.compile(r"http://localhost/[\w\-/]+")


# --- Reading the database ------------------------------------------------------------------------

# --- Driving the browser -------------------------------------------------------------------------

def sign_out(client: Client):
    """Press the header's sign-out button."""
    response = client.submit("/sign-out", {}, form_url="/home")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    return response


def password_step(client: Client, email_address: str, password: str = PASSWORD, *,
                  next_value: str | None = None):
    """The first page of sign-in, as a browser sends it: with the hidden ``next`` field."""
    url = "/sign-in" if next_value is None else f"/sign-in?next={quote(next_value, safe='')}"
    page = client.get(url)
    data = {"email": email_address, "password": password, "csrf_token": page.csrf_token()}
    if page.value("next") is not None:
        data["next"] = page.value("next")
    return client.raw.post(url, data=data)


def code_step(client: Client, code: str):
    return client.submit("/sign-in/code", {"code": code})


def assert_signed_out(client: Client, url: str = "/home") -> str:
    """The page redirects to sign-in; returns where it redirected."""
    response = client.raw.get(url)
    assert response.status_code == 302, (url, response.status_code)
    assert response.location.startswith("/sign-in"), response.location
    return response.location


def assert_signed_in(client: Client, user) -> None:
    page = client.get("/home")
    assert user.name in page.text


def forget_used_codes(session, user) -> None:
    """Let ``user`` sign in again at once.

    tests.pages.fresh_code moves one time step past the last one used, but the app accepts only
    one step of clock drift, so a third sign-in of one user within a step would be refused. This
    stands for waiting a minute.
    """
    session.refresh(user)
    user.totp_last_step = 0
    session.commit()


def decoded_cookie(app, value: str) -> dict:
    return dict(app.session_interface.get_signing_serializer(app).loads(value))


def link_in(text: str, path: str) -> str:
    for link in LINK.findall(text):
        if link.startswith(f"http://localhost{path}"):
            return link
    raise AssertionError(f"no {path} link in {text!r}")


def local(link: str) -> str:
    return link.removeprefix("http://localhost")


# --- A mail server -------------------------------------------------------------------------------

class Mailbox:
    """What an aiosmtpd server on 127.0.0.1 received."""

    def __init__(self):
        self.received: list[bytes] = []
        self.port = _free_port()

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.received]

    def bodies(self) -> list[str]:
        return [message.get_body(("plain",)).get_content() for message in self.messages()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


# --- Another app on the test's connection ----------------------------------------------------------

@pytest.fixture
def other_app(database_url, connection):
    """``other_app(**settings)``: an app with changed settings, inside the test's transaction.

    Rate-limit counts live in the storage of the one module-level ``limiter``, shared by every app
    in the process; they are cleared at the end so that no later test starts with spent limits.
    """
    made = []

    def build(**changes):
        app = create_app(test_settings(database_url, **changes))
        app.extensions["portal.db"].bind_to(connection)
        made.append(app)
        return app

    try:
        yield build
    finally:
        for app in made:
            app.extensions["portal.db"].unbind()
            app.extensions["portal.db"].engine.dispose()
        if made:
            with contextlib.suppress(Exception):
                limiter.reset()


def client_of(app) -> Client:
    return Client(app.test_client(), app)


@contextlib.contextmanager
def unit_of_work(app):
    """Run operations as the command line does: one transaction, committed at the end."""
    with db.transaction(app) as work:
        yield work

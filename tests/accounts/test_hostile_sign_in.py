"""Holes found in hostile testing (issue 10): the pending code step (8), the per-account limit on
the code step (11), the number of sessions per user and the sessions page (12), and the
production cookie's name (13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from portal.accounts.models import UserSession
from tests.accounts.helpers import (
    assert_signed_in,
    assert_signed_out,
    audit_rows,
    client_of,
    code_step,
    forget_used_codes,
    password_step,
)
from tests.pages import Page, fresh_code

NEW_PASSWORD = "lantern orchard pebble violin 7"


def later() -> datetime:
    """A fixed instant a little ahead of now, at the start of a TOTP step."""
    return datetime.now(UTC).replace(microsecond=0, second=1) + timedelta(minutes=1)


def active_sessions(session, user) -> list[UserSession]:
    session.expire_all()
    return list(session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).order_by(UserSession.id)))


# --- 8: the password-accepted, code-pending state --------------------------------------------------

def test_a_password_change_between_the_two_steps_kills_the_pending_sign_in(app, client, make,
                                                                         session):
    user = make.user()
    assert password_step(client, user.email).status_code == 302
    token = client.get("/sign-in/code").csrf_token()
    # Meanwhile the owner changes the password (or resets it): the old one must not count.
    user.password_hash = app.extensions["portal.hasher"].hash(NEW_PASSWORD)
    session.commit()
    response = client.raw.post("/sign-in/code", data={"code": fresh_code(user),
                                                      "csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    assert_signed_out(client)
    assert active_sessions(session, user) == []


def test_the_pending_sign_in_expires_after_five_minutes(client, make, session):
    user = make.user()
    start = later()
    with time_machine.travel(start, tick=False):
        assert password_step(client, user.email).status_code == 302
        token = client.get("/sign-in/code").csrf_token()
    with time_machine.travel(start + timedelta(minutes=5, seconds=30), tick=False):
        response = client.raw.post("/sign-in/code", data={"code": fresh_code(user),
                                                          "csrf_token": token})
        assert response.status_code == 302 and response.location.startswith("/sign-in")
        assert_signed_out(client)
    assert active_sessions(session, user) == []


def test_within_five_minutes_and_with_the_same_password_the_code_step_works(client, make):
    user = make.user()
    start = later()
    with time_machine.travel(start, tick=False):
        assert password_step(client, user.email).status_code == 302
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert code_step(client, fresh_code(user)).location == "/home"
        assert_signed_in(client, user)


# --- 11: a per-account limit on the code step ------------------------------------------------------

def test_the_code_step_is_rate_limited_per_account_across_addresses(other_app, make, session):
    limited = other_app(ratelimit_enabled=True, max_failed_sign_ins=1000)
    user = make.user()
    with time_machine.travel(later(), tick=False):
        for n in range(11):
            browser = client_of(limited)
            address = {"REMOTE_ADDR": f"10.20.{n}.1"}
            page = browser.raw.get("/sign-in", environ_base=address)
            token = Page(page).csrf_token()
            assert browser.raw.post("/sign-in", data={
                "email": user.email, "password": "correct horse battery staple 42",
                "csrf_token": token}, environ_base=address).status_code == 302
            token = Page(browser.raw.get("/sign-in/code", environ_base=address)).csrf_token()
            response = browser.raw.post("/sign-in/code", data={"code": "000000",
                                                               "csrf_token": token},
                                        environ_base=address)
            if n < 10:
                assert response.status_code == 200, n
        assert response.status_code == 429


# --- 12: sessions per user ---------------------------------------------------------------------------

def test_a_fourth_sign_in_ends_the_oldest_session(client, new_client, make, session):
    user = make.user()
    browsers = [client, new_client(), new_client(), new_client()]
    for browser in browsers:
        forget_used_codes(session, user)
        assert browser.sign_in(user).location == "/home"
    assert len(active_sessions(session, user)) == 3
    assert_signed_out(browsers[0])
    for browser in browsers[1:]:
        assert_signed_in(browser, user)
    ended = session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                            .order_by(UserSession.id)).first()
    assert ended.ended_reason == "session limit"


def test_the_limit_is_a_setting(other_app, make, session):
    app = other_app(max_sessions_per_user=1)
    user = make.user()
    first, second = client_of(app), client_of(app)
    assert first.sign_in(user).location == "/home"
    forget_used_codes(session, user)
    assert second.sign_in(user).location == "/home"
    assert_signed_out(first)
    assert_signed_in(second, user)


def test_the_sessions_page_lists_them_and_marks_this_one(client, new_client, make, session):
    user = make.user()
    other = new_client()
    other.raw.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert other.sign_in(user).location == "/home"
    forget_used_codes(session, user)
    client.sign_in(user)
    profile = client.get("/profile")
    assert profile.soup.find("a", href="/profile/sessions"), "linked from the profile"
    page = client.get("/profile/sessions")
    rows = page.soup.select("#sessions tbody tr")
    assert len(rows) == 2
    assert "198.51.100.7" in rows[1].get_text() or "198.51.100.7" in rows[0].get_text()
    [mine] = [row for row in rows if "This session" in row.get_text()]
    assert "127.0.0.1" in mine.get_text()


def test_sign_out_other_sessions(client, new_client, make, session):
    user = make.user()
    others = [new_client(), new_client()]
    for browser in others:
        forget_used_codes(session, user)
        browser.sign_in(user)
    forget_used_codes(session, user)
    client.sign_in(user)
    response = client.submit("/profile/sessions/sign-out-others", {}, form_url="/profile/sessions")
    assert response.status_code == 302 and response.location == "/profile/sessions"
    assert "You have signed out of your other sessions" in client.get("/profile/sessions").text
    for browser in others:
        assert_signed_out(browser)
    assert_signed_in(client, user)
    assert len(active_sessions(session, user)) == 1
    assert [row.detail for row in audit_rows(session, "sessions.others_ended")] == [{"ended": 2}]


def test_sign_out_others_needs_a_csrf_token(client, new_client, make, session):
    user = make.user()
    other = new_client()
    other.sign_in(user)
    forget_used_codes(session, user)
    client.sign_in(user)
    response = client.raw.post("/profile/sessions/sign-out-others", data={})
    assert response.status_code == 400
    assert_signed_in(other, user)


# --- 13: the production cookie's name --------------------------------------------------------------

def test_the_production_session_cookie_has_the_host_prefix(other_app):
    production = client_of(other_app(env="production",
                                     secret_key="k" * 8 + "0123456789abcdef" * 3))
    response = production.raw.get("/sign-in", base_url="https://lead.example.org")
    [cookie] = response.headers.getlist("Set-Cookie")
    name, _, attributes = cookie.partition("=")
    assert name == "__Host-session"
    lowered = attributes.lower()
    assert "; secure" in lowered and "; path=/" in lowered and "domain=" not in lowered

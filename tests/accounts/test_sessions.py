"""Server-side sessions: a new id at sign-in, ended by sign-out, password change, disabling and
role changes, idle and absolute timeouts, and the cookie's attributes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from portal.accounts.models import Role, UserSession
from tests.accounts.helpers import (
    assert_signed_in,
    assert_signed_out,
    audit_rows,
    client_of,
    code_step,
    decoded_cookie,
    forget_used_codes,
    password_step,
    sign_out,
)
from tests.pages import PASSWORD, fresh_code

NEW_PASSWORD = "lantern orchard pebble violin 7"


def records(session, user) -> list[UserSession]:
    session.expire_all()
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                .order_by(UserSession.id)))


def test_the_session_cookie_changes_at_sign_in(app, client, make, session):
    user = make.user()
    client.get("/sign-in")
    before = client.session_cookie()
    assert before is not None and "sid" not in decoded_cookie(app, before)
    client.sign_in(user)
    after = client.session_cookie()
    assert after != before
    first_sid = decoded_cookie(app, after)["sid"]
    # Nothing from before sign-in is carried over (no pending state, no old CSRF token).
    assert set(decoded_cookie(app, after)) <= {"sid", "_permanent", "_fresh", "_id", "_user_id"}

    sign_out(client)
    client.sign_in(user)
    assert decoded_cookie(app, client.session_cookie())["sid"] != first_sid
    [old, new] = records(session, user)
    assert old.ended_reason == "signed out" and new.ended_at is None
    assert old.token_hash != first_sid, "only a hash of the token is stored"


def test_a_planted_cookie_is_replaced_at_sign_in(app, client, new_client, make):
    """Session fixation: a cookie an attacker made their browser get is not signed in later."""
    victim = make.user()
    attacker = new_client()
    attacker.get("/sign-in")
    planted = attacker.session_cookie()
    client.set_session_cookie(planted)
    client.sign_in(victim)
    assert client.session_cookie() != planted
    attacker.set_session_cookie(planted)
    assert_signed_out(attacker)


def test_an_old_cookie_is_dead_after_sign_out(client, make, session):
    user = make.user()
    client.sign_in(user)
    cookie = client.session_cookie()
    sign_out(client)
    client.set_session_cookie(cookie)
    assert assert_signed_out(client) == "/sign-in?next=/home"
    assert audit_rows(session, "sign_out", user_id=user.id)


def test_a_password_change_ends_every_other_session(client, new_client, make, session):
    user = make.user()
    other = new_client()
    other.sign_in(user)
    client.sign_in(user)
    old_cookie = client.session_cookie()
    page = client.submit_page("/profile/password", {"current_password": PASSWORD,
                                                    "password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD})
    assert page.status == 302 and page.response.location == "/profile"

    assert_signed_out(other)
    # This browser carries on with a new session; its old cookie is dead.
    assert_signed_in(client, user)
    assert client.session_cookie() != old_cookie
    stale = new_client()
    stale.set_session_cookie(old_cookie)
    assert_signed_out(stale)
    assert [r.ended_reason for r in records(session, user)][:2] == ["password changed"] * 2
    assert audit_rows(session, "password.changed", user_id=user.id)

    # The old password no longer works; the new one does.
    fresh = new_client()
    assert fresh.sign_in(user).status_code == 200
    forget_used_codes(session, user)
    assert fresh.sign_in(user, password=NEW_PASSWORD).location == "/home"


def test_a_wrong_current_password_changes_nothing(client, new_client, make, session):
    user = make.user()
    other = new_client()
    other.sign_in(user)
    client.sign_in(user)
    page = client.submit_page("/profile/password", {"current_password": "not my password at all",
                                                    "password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD})
    assert page.status == 200
    assert page.errors == ["Your current password is not right. Enter it again"]
    assert_signed_in(other, user)
    forget_used_codes(session, user)
    assert new_client().sign_in(user).location == "/home"


def test_disabling_an_account_ends_its_sessions(client, new_client, make, session):
    user = make.user(Role.REFERRER)
    admin = make.user(Role.PARTNER_ADMIN, user.organisation)
    client.sign_in(user)
    cookie = client.session_cookie()
    desk = new_client()
    desk.sign_in(admin)
    response = desk.submit(f"/admin/users/{user.id}/disable", {}, form_url=f"/admin/users/{user.id}")
    assert response.status_code == 302

    assert_signed_out(client)
    client.set_session_cookie(cookie)
    assert_signed_out(client)
    assert {r.ended_reason for r in records(session, user)} == {"account disabled"}
    # Nor can the person sign in again.
    assert new_client().sign_in(user).status_code == 200


def test_a_role_change_ends_the_sessions_of_that_user(client, new_client, make, session):
    user = make.user(Role.REFERRER)
    admin = make.user(Role.PARTNER_ADMIN, user.organisation)
    client.sign_in(user)
    desk = new_client()
    desk.sign_in(admin)
    desk.submit(f"/admin/users/{user.id}/role", {"role": "partner_admin"},
                form_url=f"/admin/users/{user.id}", status=302)
    assert_signed_out(client)
    assert_signed_in(desk, admin)


def test_idle_timeout_is_30_minutes(client, make, session):
    user = make.user()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        client.sign_in(user)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert_signed_in(client, user)
    # 29 minutes after that visit: still in (the clock restarts at each request).
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert_signed_in(client, user)
    with time_machine.travel(start + timedelta(minutes=58 + 31), tick=False):
        location = assert_signed_out(client, "/profile")
        assert location == "/sign-in?next=/profile&expired=1"
        page = client.get(location)
        assert "signed out after 30 minutes without activity" in page.text
        assert page.value("next") == "/profile"
        # Coming back signs in afresh and returns to the page.
        assert password_step(client, user.email, next_value="/profile").status_code == 302
        assert code_step(client, fresh_code(user)).location == "/profile"
    assert records(session, user)[0].ended_reason == "idle timeout"


def test_absolute_timeout_is_12_hours_even_with_activity(client, make, session):
    user = make.user()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        client.sign_in(user)
    for minutes in range(20, 12 * 60 + 1, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.raw.get("/home").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert assert_signed_out(client) == "/sign-in?next=/home&expired=2"
    assert records(session, user)[0].ended_reason == "absolute timeout"
    assert "signed out because you signed in 12 hours ago" in client.get(
        "/sign-in?next=/home&expired=2").text


def test_the_session_cookie_attributes(client, make, other_app):
    user = make.user()
    client.sign_in(user)
    response = client.raw.get("/home")
    header = response.headers["Set-Cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "domain=" not in header
    assert response.headers["Cache-Control"] == "no-store"

    production = client_of(other_app(env="production", secret_key="k" * 8 + "0123456789abcdef" * 3))
    cookie = production.raw.get("/sign-in").headers["Set-Cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie and "domain=" not in cookie

"""Password reset: the same answer for every address, an emailed single-use link that expires, and
the second factor asked for as well."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from portal.accounts.models import PasswordReset, Role, UserSession
from tests.accounts.helpers import (
    assert_signed_in,
    assert_signed_out,
    audit_rows,
    client_of,
    count,
    forget_used_codes,
    link_in,
    local,
)
from tests.notifications.helpers import deliver, outbox, text_of
from tests.pages import fresh_code

NEW_PASSWORD = "harbour tulip gravel comet 31"
CODE_REFUSED = "Enter the 6-digit code your authenticator app shows now, or a recovery code"


def ask_for_reset(browser, email_address: str):
    response = browser.submit("/password-reset", {"email": email_address})
    assert response.status_code == 302 and response.location == "/password-reset/sent"
    return browser.get(response.location)


def reset_link(session, browser, user) -> str:
    """Without SMTP (development) the email is kept in the outbox: take the link from there."""
    ask_for_reset(browser, user.email)
    message = outbox(session, recipient=user.email, kind="password_reset")[-1]
    return link_in(message.body, "/password-reset/")


def submit_reset(browser, link, code, password=NEW_PASSWORD):
    return browser.submit_page(local(link), {"password": password, "confirm": password,
                                             "code": code})


def test_unknown_and_known_addresses_get_the_same_answer(client, new_client, make, session):
    user = make.user()
    disabled = make.user(disabled_at=datetime.now(UTC))
    pages = [ask_for_reset(new_client(), address) for address in
             ("nobody-here@example.org", user.email, user.email.upper(), disabled.email)]
    assert len({page.text for page in pages}) == 1
    assert "If an account uses that address" in pages[0].text
    assert count(session, PasswordReset, PasswordReset.user_id == user.id) == 2
    assert count(session, PasswordReset, PasswordReset.user_id == disabled.id) == 0


def test_the_reset_link_is_emailed(make, session, other_app, mailbox):
    mail_app = other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    user = make.user()
    browser = client_of(mail_app)
    ask_for_reset(browser, "nobody-here@example.org")
    deliver(mail_app)
    assert mailbox.received == [], "nothing is sent for an unknown address"
    ask_for_reset(browser, user.email)
    assert mailbox.received == [], "the request only queues it: the worker sends it"
    deliver(mail_app)
    [message] = mailbox.messages()
    assert message["To"] == user.email
    assert message["Subject"] == "Reset your LEAD Referral Portal password"
    link = link_in(text_of(message), "/password-reset/")
    assert "Choose a new password" in browser.get(local(link)).text


def test_a_reset_needs_the_second_factor(client, new_client, make, session):
    user = make.user(Role.COORDINATOR)
    elsewhere = new_client()
    elsewhere.sign_in(user)
    link = reset_link(session, client, user)

    refused = submit_reset(client, link, "000000")
    assert refused.status == 200
    assert refused.errors == [CODE_REFUSED]
    assert refused.value("code") == "000000"
    session.refresh(user)
    assert user.failed_sign_ins == 1, "a wrong code counts towards the lock"
    assert_signed_in(elsewhere, user)

    changed = submit_reset(client, link, fresh_code(user))
    assert changed.status == 302 and changed.response.location == "/sign-in"
    assert "Your password has been changed" in client.get("/sign-in").text

    # Every session of the user has ended; the link is dead; the new password works.
    assert_signed_out(elsewhere)
    assert count(session, UserSession, UserSession.user_id == user.id,
                 UserSession.ended_at.is_(None)) == 0
    client.get(local(link), status=404)
    again = new_client()
    token = again.get("/password-reset").csrf_token()
    assert again.raw.post(local(link), data={"password": "another new password 77",
                                             "confirm": "another new password 77",
                                             "code": fresh_code(user),
                                             "csrf_token": token}).status_code == 404
    assert audit_rows(session, "password.changed", user_id=user.id)
    session.refresh(user)
    assert user.failed_sign_ins == 0
    forget_used_codes(session, user)
    assert new_client().sign_in(user, password=NEW_PASSWORD).location == "/home"


def test_a_reset_refuses_a_weak_password(client, make, session):
    user = make.user()
    link = reset_link(session, client, user)
    page = submit_reset(client, link, fresh_code(user), password=user.email)
    assert page.status == 200 and page.error_targets() == ["password"]
    page = client.submit_page(local(link), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD[:-1],
                                            "code": "123456"})
    assert page.errors == ["The passwords do not match. Enter the same password twice"]
    assert page.value("code") == "123456"


def test_a_reset_link_expires_after_60_minutes(client, new_client, make, session):
    user = make.user()
    link = reset_link(session, client, user)
    reset = session.query(PasswordReset).filter_by(user_id=user.id).one()
    assert abs(reset.expires_at - reset.created_at - timedelta(minutes=60)) < timedelta(seconds=5)
    with time_machine.travel(reset.created_at + timedelta(minutes=59), tick=False):
        new_client().get(local(link))
    with time_machine.travel(reset.expires_at + timedelta(seconds=1), tick=False):
        browser = new_client()
        browser.get(local(link), status=404)
        response = browser.raw.post(local(link), data={"password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD,
                                                       "code": fresh_code(user)})
        assert response.status_code == 404
    session.refresh(user)
    assert new_client().sign_in(user).location == "/home", "the old password still works"


def test_a_recovery_code_can_stand_in_for_the_app(client, new_client, make, session):
    user = make.user()
    client.sign_in(user)
    page = client.submit_page("/profile/recovery-codes", {}, form_url="/profile")
    code = page.soup.select("#recovery-codes li")[0].get_text(strip=True)
    browser = new_client()
    link = reset_link(session, browser, user)
    assert submit_reset(browser, link, code).status == 302
    assert_signed_out(client)


def test_password_reset_is_rate_limited(other_app, make):
    limited = client_of(other_app(ratelimit_enabled=True))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1), tick=False):
        for n in range(5):
            response = limited.raw.post("/password-reset", data={"email": f"x{n}@example.org"})
            assert response.status_code == 200, n
        assert limited.raw.post("/password-reset",
                                data={"email": "y@example.org"}).status_code == 429

"""Item 1 of issue 11: the outbox loses nothing and sends nothing twice.

A real SMTP server (aiosmtpd on 127.0.0.1) receives what the worker sends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import db
from portal.accounts.models import OrgKind, Role
from portal.db import utcnow
from portal.notifications import queue_email
from portal.notices.commands import outbox as outbox_command
from portal.notifications.models import OutboxMessage
from tests.accounts.helpers import client_of, unit_of_work
from tests.notifications.helpers import deliver, html_of, outbox, text_of
from tests.reading import audit_rows


def invite(browser, organisation, email="new.person@example.org"):
    page = browser.submit_page(f"/admin/organisations/{organisation.id}/invite", {
        "name": "New Person", "email": email, "role": "referrer"})
    assert page.status == 200, page.errors
    return page.soup.find(id="invitation-link")["value"]


def test_a_change_that_rolls_back_leaves_no_message(app, session):
    with pytest.raises(RuntimeError):
        with unit_of_work(app):
            queue_email("password_reset", "someone@example.org", name="Someone",
                        link="http://localhost/x", minutes=60)
            db.session().flush()
            raise RuntimeError("the change fails after its message was written")
    assert outbox(session) == []
    with unit_of_work(app):
        queue_email("password_reset", "someone@example.org", name="Someone",
                    link="http://localhost/x", minutes=60)
    assert [m.recipient for m in outbox(session)] == ["someone@example.org"]


def test_a_refused_request_leaves_no_message(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    taken = make.user(organisation=partner)
    client.sign_in(admin)
    page = client.submit_page(f"/admin/organisations/{partner.id}/invite", {
        "name": "Someone", "email": taken.email, "role": "referrer"})
    assert page.errors, "refused"
    assert outbox(session, kind="invitation") == []


def test_without_smtp_mail_is_kept_and_shown_at_sent_mail(client, make, session, app):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org(OrgKind.LAW_ENFORCEMENT)
    client.sign_in(admin)
    link = invite(client, partner)
    [message] = outbox(session, kind="invitation")
    assert (message.recipient, message.state) == ("new.person@example.org", "waiting")

    listing = client.get("/admin/mail")
    assert "You are invited to the LEAD Referral Portal" in listing.text
    shown = client.get(f"/admin/mail/{message.id}")
    assert shown.soup.find(id="message-recipient").get_text() == "new.person@example.org"
    assert link in shown.soup.find(id="message-text").get_text()
    html = shown.soup.find(id="message-html").get_text()
    assert f'href="{link}"' in html and html.lstrip().startswith("<!DOCTYPE html>")
    assert audit_rows(session, "outbox.message_viewed", object_id=str(message.id))

    result = app.test_cli_runner().invoke(outbox_command, ["deliver"])
    assert result.exit_code == 0 and "SMTP is not configured" in result.output
    assert outbox(session)[0].sent_at is None, "kept, never sent"


def test_sent_mail_is_for_program_administrators_and_only_without_smtp(
        client, new_client, make, mail_app):
    coordinator = make.user(Role.COORDINATOR)
    new_client().sign_in(coordinator)
    browser = new_client()
    browser.sign_in(coordinator)
    assert browser.raw.get("/admin/mail").status_code == 403
    admin = make.user(Role.PROGRAM_ADMIN)
    with_smtp = client_of(mail_app)
    with_smtp.sign_in(admin)
    assert with_smtp.raw.get("/admin/mail").status_code == 404, "live links stay in the outbox"


def test_each_message_has_a_text_and_an_html_part(make, session, mail_app, mailbox):
    desk = client_of(mail_app)
    desk.sign_in(make.user(Role.PROGRAM_ADMIN))
    link = invite(desk, make.org())
    assert mailbox.received == [], "the request only writes the outbox"
    result = deliver(mail_app)
    assert (result.sent, result.failed) == (1, 0)
    [message] = mailbox.messages()
    assert message["To"] == "new.person@example.org"
    assert message["Message-ID"].startswith("<outbox-")
    assert link in text_of(message)
    assert f'href="{link}"' in html_of(message)
    [row] = outbox(session, kind="invitation")
    assert row.state == "sent" and row.attempts == 1 and row.next_attempt_at is None
    session.refresh(row)
    assert link not in row.body and row.html_body is None, "a sent link is not kept"
    assert deliver(mail_app).claimed == 0, "nothing is sent twice"
    assert len(mailbox.received) == 1


def test_with_the_server_down_messages_wait_with_their_error_then_go_out(
        make, session, other_app, mailbox):
    # The server is up on mailbox.port; point the app at a port where nothing listens first.
    down = other_app(smtp_host="127.0.0.1", smtp_port=_closed_port(), outbox_retry_seconds=60)
    desk = client_of(down)
    desk.sign_in(make.user(Role.PROGRAM_ADMIN))
    invite(desk, make.org())
    start = utcnow()
    assert deliver(down, now=start).failed == 1
    [row] = outbox(session)
    assert row.state == "waiting" and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert timedelta(seconds=55) < row.next_attempt_at - start < timedelta(seconds=65)
    assert deliver(down, now=start + timedelta(seconds=30)).claimed == 0, "not due yet"

    assert deliver(down, now=start + timedelta(seconds=61)).failed == 1
    [row] = outbox(session)
    assert row.attempts == 2
    assert timedelta(seconds=115) < row.next_attempt_at - utcnow() < timedelta(seconds=125), \
        "the wait doubles"

    back = other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    assert deliver(back, now=utcnow() + timedelta(minutes=3)).sent == 1
    [row] = outbox(session)
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, None)
    assert [m["To"] for m in mailbox.messages()] == ["new.person@example.org"]


def test_after_the_last_attempt_an_administrator_sees_the_error_and_retries(
        make, session, other_app, mailbox):
    down = other_app(smtp_host="127.0.0.1", smtp_port=_closed_port(), outbox_max_attempts=2,
                     outbox_retry_seconds=1)
    admin = make.user(Role.PROGRAM_ADMIN)
    desk = client_of(down)
    desk.sign_in(admin)
    invite(desk, make.org())
    deliver(down)
    deliver(down, now=utcnow() + timedelta(seconds=5))
    [row] = outbox(session)
    assert row.state == "failed" and row.attempts == 2 and row.next_attempt_at is None
    assert deliver(down, now=utcnow() + timedelta(days=1)).claimed == 0, "given up"

    page = desk.get("/admin/outbox")
    listed = page.soup.find(id=f"message-{row.id}")
    assert "Gave up" in listed.get_text() and "ConnectionRefusedError" in listed.get_text()
    assert desk.raw.post(f"/admin/outbox/{row.id}/retry").status_code == 400, "CSRF"
    response = desk.submit(f"/admin/outbox/{row.id}/retry", {}, form_url="/admin/outbox")
    assert response.status_code == 302
    assert audit_rows(session, "outbox.retried", object_id=str(row.id), user_id=admin.id)
    [row] = outbox(session)
    assert row.state == "waiting" and row.attempts == 0

    back = other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    assert deliver(back).sent == 1
    assert len(mailbox.received) == 1
    assert "Every message has been sent" in desk.get("/admin/outbox").text


def test_only_program_administrators_see_and_retry_the_outbox(make, new_client, session, app):
    with unit_of_work(app):
        queue_email("password_reset", "x@example.org", name="X", link="http://localhost/x",
                    minutes=60)
    [row] = outbox(session)
    for role in (Role.COORDINATOR, Role.PARTNER_ADMIN, Role.REFERRER):
        browser = new_client()
        browser.sign_in(make.user(role))
        assert browser.raw.get("/admin/outbox").status_code == 403
        token = browser.get("/home").csrf_token()
        assert browser.raw.post(f"/admin/outbox/{row.id}/retry",
                                data={"csrf_token": token}).status_code == 403


def test_a_claimed_message_is_left_to_its_worker(make, session, mail_app, mailbox):
    """The lease: a second worker skips what the first has claimed and not yet finished."""
    from portal.notifications.delivery import claim

    desk = client_of(mail_app)
    desk.sign_in(make.user(Role.PROGRAM_ADMIN))
    invite(desk, make.org())
    database = mail_app.extensions["portal.db"]
    [claimed] = claim(database, "first", utcnow())
    assert claimed.claimed_by == "first"
    assert claim(database, "second", utcnow()) == []
    assert deliver(mail_app, worker="second").claimed == 0
    assert mailbox.received == []
    # A worker that died leaves its lease; another takes the message once the lease is over.
    assert deliver(mail_app, worker="second", now=utcnow() + timedelta(minutes=16)).sent == 1


def _closed_port() -> int:
    from tests.accounts.helpers import _free_port

    return _free_port()


def test_the_command_line_invitation_is_saved_with_its_email(databases):
    """`lead-portal invite-admin` in a process of its own: the user, the invitation and its
    email are all committed (building the link once closed the command's session, and the
    printed link led nowhere)."""
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine, func, select

    from portal.accounts.models import Invitation, User

    url = databases.new()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "c" * 40}
    done = subprocess.run([sys.executable, "-m", "portal.cli", "invite-admin",
                           "chief@lead.example", "--name", "Pat Chief"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().splitlines()[-1]
    engine = create_engine(url)
    with engine.connect() as connection:
        users = connection.scalar(select(func.count()).select_from(User))
        invitations = connection.scalar(select(func.count()).select_from(Invitation))
        bodies = list(connection.scalars(select(OutboxMessage.body)))
    engine.dispose()
    assert (users, invitations) == (1, 1)
    assert len(bodies) == 1 and link in bodies[0]

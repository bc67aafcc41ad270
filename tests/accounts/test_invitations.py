"""Invitations: a single-use, expiring link to set a password and enrol an authenticator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import time_machine

from portal.accounts.models import Invitation, OrgKind, Role, User
from tests.accounts.helpers import (
    assert_signed_in,
    assert_signed_out,
    audit_rows,
    client_of,
    link_in,
    local,
    sign_out,
)
from tests.notifications.helpers import deliver, text_of

GOOD_PASSWORD = "quartz meadow ferry lantern 9"


def invite(client, organisation, *, email="new.person@example.org", name="Nia Person",
           role="referrer") -> str:
    """Invite someone through the admin form; returns the link the page shows."""
    page = client.submit_page(f"/admin/organisations/{organisation.id}/invite",
                              {"name": name, "email": email, "role": role, "phone": "",
                               "badge_number": ""})
    assert page.status == 200, page.errors
    assert page.title.startswith("Invitation ready")
    return page.soup.find(id="invitation-link")["value"]


def enrol_page(browser, link):
    page = browser.get(local(link))
    secret = page.soup.find(id="totp-secret").get_text(strip=True)
    return page, secret


def accept(browser, link, secret, *, password=GOOD_PASSWORD, confirm=None, code=None):
    return browser.submit_page(local(link), {
        "password": password, "confirm": password if confirm is None else confirm,
        "code": pyotp.TOTP(secret).now() if code is None else code})


def test_an_invited_user_sets_up_the_account_once(client, new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org(OrgKind.COMMUNITY_PARTNER)
    client.sign_in(admin)
    link = invite(client, partner)
    assert link.startswith("http://localhost/invitation/")
    person = session.query(User).filter_by(email="new.person@example.org").one()
    assert person.role is Role.REFERRER and person.organisation_id == partner.id
    assert not person.enrolled and person.password_hash is None
    [event] = audit_rows(session, "user.invited", object_id=str(person.id))
    assert event.user_id == admin.id and event.organisation_id == partner.id

    invitee = new_client()
    page, secret = enrol_page(invitee, link)
    svg = page.soup.select_one(".portal-qr svg")
    assert svg is not None and svg.find("title"), "an inline SVG QR code with a title"
    assert not page.soup.select(".portal-qr img"), "no data: URL image (the CSP forbids inline)"
    assert len(secret) >= 16 and pyotp.TOTP(secret).now()
    groups = [span.get_text() for span in page.soup.select("#totp-secret .portal-secret__group")]
    assert "".join(groups) == secret and {len(group) for group in groups[:-1]} == {4}, \
        "the typed key is grouped in fours"
    assert "Nia Person" in page.text and partner.name in page.text
    # The same browser sees the same secret until it finishes.
    assert enrol_page(invitee, link)[1] == secret

    # A weak password: errors, and the typed code is kept.
    weak = accept(invitee, link, secret, password="password1234", code="123456")
    assert weak.status == 200 and weak.title.startswith("Error: ")
    assert weak.error_targets() == ["password"]
    assert weak.value("code") == "123456"
    assert weak.soup.find("input", attrs={"name": "password"}) is not None
    assert "password1234" not in str(weak.soup), "a password is never sent back"

    # Confirmation that does not match.
    mismatch = accept(invitee, link, secret, confirm=GOOD_PASSWORD + "x", code="654321")
    assert mismatch.errors == ["The passwords do not match. Enter the same password twice"]
    assert mismatch.value("code") == "654321"

    # A wrong code.
    wrong = accept(invitee, link, secret, code="000000")
    assert wrong.errors == ["Enter the 6-digit code your authenticator app shows now"]
    assert wrong.value("code") == "000000"
    session.refresh(person)
    assert not person.enrolled

    done = accept(invitee, link, secret)
    assert done.status == 200 and done.title.startswith("Your recovery codes")
    codes = [li.get_text(strip=True) for li in done.soup.select("#recovery-codes li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert_signed_in(invitee, person)
    session.refresh(person)
    assert person.enrolled and person.totp_secret == secret
    assert audit_rows(session, "user.enrolled", user_id=person.id)

    # Single use: the link now answers 404, for this browser and any other.
    assert "does not work" in invitee.get(local(link), status=404).text
    new_client().get(local(link), status=404)

    # The person signs in with what they chose.
    sign_out(invitee)
    assert invitee.sign_in(person, password=GOOD_PASSWORD).location == "/home"


def test_an_invitation_expires_after_7_days(client, new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    link = invite(client, partner, role="partner_admin")
    invitation = session.query(Invitation).order_by(Invitation.id.desc()).first()
    now = datetime.now(UTC)
    with time_machine.travel(now + timedelta(days=6, hours=23), tick=False):
        new_client().get(local(link))
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1), tick=False):
        browser = new_client()
        browser.get(local(link), status=404)
        response = browser.raw.post(local(link), data={"password": GOOD_PASSWORD,
                                                       "confirm": GOOD_PASSWORD, "code": "000000"})
        assert response.status_code == 404
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - timedelta(days=7)) < timedelta(seconds=5)


def test_an_unknown_or_mangled_link_answers_404(client, make):
    client.get("/invitation/not-a-real-token", status=404)
    client.get("/password-reset/not-a-real-token", status=404)


def test_an_invitation_for_a_disabled_user_is_dead(client, new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    link = invite(client, partner)
    person = session.query(User).filter_by(email="new.person@example.org").one()
    client.submit(f"/admin/users/{person.id}/disable", {}, form_url=f"/admin/users/{person.id}",
                  status=302)
    new_client().get(local(link), status=404)


def test_an_earlier_link_is_dead_once_the_account_is_set_up(client, new_client, make, session):
    """A re-invitation leaves the first link outstanding; using either must kill the other."""
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    first = invite(client, partner)
    person = session.query(User).filter_by(email="new.person@example.org").one()
    page = client.submit_page(f"/admin/users/{person.id}/reinvite", {},
                              form_url=f"/admin/users/{person.id}")
    second = page.soup.find(id="invitation-link")["value"]
    assert second != first
    assert audit_rows(session, "user.reinvited", object_id=str(person.id))

    invitee = new_client()
    _, secret = enrol_page(invitee, second)
    assert accept(invitee, second, secret).status == 200
    session.refresh(person)
    assert person.enrolled

    # Whoever holds the first link must not be able to take the account over.
    intruder = new_client()
    intruder.get(local(first), status=404)
    response = intruder.raw.post(local(first), data={"password": "intruder password here 55",
                                                     "confirm": "intruder password here 55",
                                                     "code": "000000"})
    assert response.status_code == 404
    session.refresh(person)
    assert person.totp_secret == secret


def test_two_invitations_in_one_browser_get_different_secrets(client, new_client, make, session):
    """A shared computer: two people opening their links must not share an authenticator secret."""
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    first = invite(client, partner, email="first@example.org", name="First Person")
    second = invite(client, partner, email="second@example.org", name="Second Person")
    kiosk = new_client()
    _, secret_one = enrol_page(kiosk, first)
    _, secret_two = enrol_page(kiosk, second)
    assert secret_one != secret_two
    assert enrol_page(kiosk, second)[1] == secret_two, "stable while on one link"
    # Going back to the first link gives it a secret of its own again, which works.
    _, secret_three = enrol_page(kiosk, first)
    assert secret_three != secret_two
    assert accept(kiosk, first, secret_three).status == 200
    session.expire_all()
    assert session.query(User).filter_by(email="first@example.org").one().totp_secret == secret_three


def test_the_invitation_is_emailed(make, session, other_app, mailbox):
    mail_app = other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org(OrgKind.LAW_ENFORCEMENT)
    desk = client_of(mail_app)
    desk.sign_in(admin)
    page = desk.submit_page(f"/admin/organisations/{partner.id}/invite", {
        "name": "Officer Mail", "email": "officer.mail@example.org", "role": "referrer",
        "phone": "303 555 0100", "badge_number": "B-17"})
    assert page.status == 200 and "We have emailed the invitation" in page.text
    shown = page.soup.find(id="invitation-link")["value"]

    deliver(mail_app)
    [message] = mailbox.messages()
    assert message["To"] == "officer.mail@example.org"
    assert message["Subject"] == "You are invited to the LEAD Referral Portal"
    body = text_of(message)
    assert link_in(body, "/invitation/") == shown
    assert partner.name in body
    session.expire_all()
    person = session.query(User).filter_by(email="officer.mail@example.org").one()
    assert person.badge_number == "B-17"

    # The emailed link works.
    invitee = client_of(mail_app)
    _, secret = enrol_page(invitee, shown)
    assert accept(invitee, shown, secret).title.startswith("Your recovery codes")


def test_no_email_is_sent_when_the_invitation_fails(make, session, other_app, mailbox):
    mail_app = other_app(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    taken = make.user(organisation=partner)
    desk = client_of(mail_app)
    desk.sign_in(admin)
    page = desk.submit_page(f"/admin/organisations/{partner.id}/invite", {
        "name": "Someone", "email": taken.email.upper(), "role": "referrer"})
    assert page.errors == ["That email address already has an account. Enter a different one"]
    deliver(mail_app)
    assert mailbox.received == []


def test_an_invited_user_cannot_sign_in_before_enrolling(client, new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    invite(client, partner)
    person = session.query(User).filter_by(email="new.person@example.org").one()
    response = new_client().submit("/sign-in", {"email": person.email, "password": ""})
    assert response.status_code == 200
    assert_signed_out(new_client())

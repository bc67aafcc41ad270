"""Item 2 of issue 11: each notice reaches exactly the right people, with the reference and a
link, and holds no name, date of birth, charge or health detail. Driven through the pages; a
real SMTP server receives what the worker sends."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.models import OrgKind, Role
from portal.notifications.models import NoticeChoice
from tests.accounts.helpers import client_of
from tests.notifications.helpers import assert_notice, deliver, received
from tests.referrals.helpers import submit_quickly
from tests.review.helpers import act, coordinators

class Program:
    """The people of one referral: its referrer, their organisation's two administrators (one
    who chose the optional partner notices), and three coordinators."""

    def __init__(self, make, session, mail_app, route="arrest_diversion"):
        kind = OrgKind.LAW_ENFORCEMENT if route == "arrest_diversion" else OrgKind.COMMUNITY_PARTNER
        self.org = make.org(kind)
        self.referrer = make.user(Role.REFERRER, self.org)
        self.colleague = make.user(Role.REFERRER, self.org)
        self.admin_in = make.user(Role.PARTNER_ADMIN, self.org)
        self.admin_out = make.user(Role.PARTNER_ADMIN, self.org)
        self.stranger = make.user(Role.PARTNER_ADMIN, make.org(kind))
        self.casey, self.kim, self.lee = coordinators(make, session, 3)
        self.program_admin = make.user(Role.PROGRAM_ADMIN, self.casey.organisation)
        for notice in ("information_requested", "decision_made", "withdrawal_acknowledged",
                       "revocation_recorded"):
            session.add(NoticeChoice(user_id=self.admin_in.id, notice=notice, choice="on"))
            session.add(NoticeChoice(user_id=self.stranger.id, notice=notice, choice="on"))
        session.add(NoticeChoice(user_id=self.lee.id, notice="new_referral", choice="digest"))
        session.commit()
        self.app = mail_app
        self.partner = client_of(mail_app)
        self.partner.sign_in(self.referrer)
        self.route = route

    def submit(self):
        referral_id, reference = submit_quickly(self.partner, self.route)
        return referral_id, reference

    def coordinator(self, user):
        desk = client_of(self.app)
        desk.sign_in(user)
        return desk


def partner_link(referral_id):
    return f"http://localhost/referrals/{referral_id}"


def staff_link(referral_id):
    return f"http://localhost/review/referrals/{referral_id}"


def test_a_new_referral_goes_to_the_coordinators_who_want_it_at_once(
        make, session, mail_app, mailbox):
    program = Program(make, session, mail_app)
    referral_id, reference = program.submit()
    assert mailbox.received == [], "the request only writes the outbox"
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.casey.email, program.kim.email}, "not Lee (digest), no partner"
    for address in got:
        [message] = got[address]
        assert message[0] == f"New referral {reference} is waiting for review"
        assert_notice(message, reference, staff_link(referral_id))


def test_question_answer_and_decision_reach_exactly_the_right_people(
        make, session, mail_app, mailbox):
    program = Program(make, session, mail_app)
    referral_id, reference = program.submit()
    deliver(mail_app)
    mailbox.received.clear()
    casey = program.coordinator(program.casey)
    act(casey, referral_id, "claim", status=302)
    act(casey, referral_id, "request-information",
        {"question": "Is the opiate screen from the jail positive?"}, status=302)
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.referrer.email, program.admin_in.email}
    for address in got:
        [message] = got[address]
        assert message[0] == f"Referral {reference}: a coordinator has a question"
        assert_notice(message, reference, partner_link(referral_id))
        assert "opiate" not in message[1] + message[2], "the question stays on the page"

    mailbox.received.clear()
    program.partner.submit(f"/referrals/{referral_id}/answer", {"answer": "Negative, per jail."},
                           form_url=f"/referrals/{referral_id}", status=302)
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.casey.email}, "only the coordinator holding it"
    [message] = got[program.casey.email]
    assert message[0] == f"Referral {reference}: the partner has answered"
    assert_notice(message, reference, staff_link(referral_id))
    assert "Negative" not in message[1]

    mailbox.received.clear()
    act(casey, referral_id, "accept", {"justification": ""}, status=302)
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.referrer.email, program.admin_in.email}
    for address in got:
        [message] = got[address]
        assert message[0] == f"Referral {reference}: a decision has been made"
        assert "has accepted this referral" in message[1]
        assert_notice(message, reference, partner_link(referral_id))


def test_a_decline_tells_the_partner_without_the_reason(make, session, mail_app, mailbox):
    program = Program(make, session, mail_app)
    referral_id, reference = program.submit()
    casey = program.coordinator(program.casey)
    act(casey, referral_id, "claim", status=302)
    deliver(mail_app)
    mailbox.received.clear()
    act(casey, referral_id, "decline", {"reason": "excluded_treatment_court",
                                        "declined_by": "program",
                                        "note": "Active drug court case"}, status=302)
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.referrer.email, program.admin_in.email}
    message = got[program.referrer.email][0]
    assert "has declined this referral" in message[1]
    for word in ("treatment", "court", "drug", "Active"):
        assert word not in message[0] + message[1] + message[2], word
    assert_notice(message, reference, partner_link(referral_id))


def test_a_withdrawal_is_acknowledged_to_the_partner(make, session, mail_app, mailbox):
    program = Program(make, session, mail_app)
    referral_id, reference = program.submit()
    deliver(mail_app)
    mailbox.received.clear()
    program.partner.submit(f"/referrals/{referral_id}/withdraw",
                           {"reason": "The person moved out of state"},
                           form_url=f"/referrals/{referral_id}", status=302)
    deliver(mail_app)
    got = received(mailbox)
    assert set(got) == {program.referrer.email, program.admin_in.email}
    [message] = got[program.referrer.email]
    assert message[0] == f"Referral {reference} has been withdrawn"
    assert "moved" not in message[1]
    assert_notice(message, reference, partner_link(referral_id))


@pytest.mark.parametrize("route", ["arrest_diversion", "social_contact"])
def test_a_revocation_is_recorded_to_the_partner_and_a_pending_one_to_the_holder(
        make, session, mail_app, mailbox, route):
    program = Program(make, session, mail_app, route)
    referral_id, reference = program.submit()
    act(program.coordinator(program.kim), referral_id, "claim", status=302)
    deliver(mail_app)
    mailbox.received.clear()
    today = date.today()
    program.partner.submit(f"/referrals/{referral_id}/consent/revoke", {
        "requested_on": f"{today.month}/{today.day}/{today.year}", "method": "in_writing",
        "note": "Letter says: stop sharing my rehab records"}, status=302)
    deliver(mail_app)
    got = received(mailbox)
    pending = route == "arrest_diversion"  # not revocable before the end of intake
    expected = {program.referrer.email, program.admin_in.email}
    assert set(got) == (expected | {program.kim.email} if pending else expected)
    [message] = got[program.referrer.email]
    assert message[0] == f"Referral {reference}: a revocation of consent was recorded"
    assert_notice(message, reference, partner_link(referral_id))
    assert "rehab" not in message[1]
    if pending:
        [held] = got[program.kim.email]
        assert held[0] == f"Referral {reference}: a revocation of consent is pending"
        assert_notice(held, reference, staff_link(referral_id))


def test_a_disabled_user_gets_no_notice(make, session, mail_app, mailbox):
    program = Program(make, session, mail_app)
    from datetime import UTC, datetime

    program.kim.disabled_at = datetime.now(UTC)
    session.commit()
    program.submit()
    deliver(mail_app)
    assert set(received(mailbox)) == {program.casey.email}


def test_a_partner_administrator_who_referred_gets_the_notices_as_its_referrer(
        make, session, mail_app, mailbox):
    """Their own referral's decision is required for them, whatever they chose for the
    organisation's other referrals."""
    program = Program(make, session, mail_app)
    session.add(NoticeChoice(user_id=program.admin_out.id, notice="decision_made", choice="off"))
    session.commit()
    desk = client_of(mail_app)
    desk.sign_in(program.admin_out)
    referral_id, reference = submit_quickly(desk, "arrest_diversion")
    casey = program.coordinator(program.casey)
    act(casey, referral_id, "claim", status=302)
    act(casey, referral_id, "accept", {"justification": ""}, status=302)
    deliver(mail_app)
    decided = [to for to, messages in received(mailbox).items()
               if any(subject == f"Referral {reference}: a decision has been made"
                      for subject, _text, _html in messages)]
    assert sorted(decided) == sorted([program.admin_out.email, program.admin_in.email])

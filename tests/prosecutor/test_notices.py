"""Item 2 of issue 11 for the prosecutor: each change of a linked agency's arrest diversion (a
decision, a withdrawal, intake, a deadline extension) reaches the office's active staff by real
SMTP, with the reference and a link to the list only; nobody else's office, and never a social
contact referral."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal import db, events
from portal.accounts.models import OrgKind, Role
from portal.notifications.models import OutboxMessage
from portal.prosecutor.models import ProsecutorUpdate
from portal.referrals.answers import ARREST, SOCIAL
from portal.referrals.models import Referral
from portal.referrals.states import Status
from tests.notifications.helpers import assert_notice, deliver, received
from tests.reading import count

LIST = "http://localhost/prosecutor/referrals"


@pytest.fixture
def staff(make, office):
    """The office's second, disabled and not-yet-enrolled members, and another office's."""
    colleague = make.user(Role.PROSECUTOR, office.org)
    make.user(Role.PROSECUTOR, office.org, disabled_at=db.utcnow())
    make.user(Role.PROSECUTOR, office.org, enrolled=False)
    make.user(Role.PROSECUTOR, make.org(OrgKind.PROSECUTOR))  # linked to nobody
    return [office.prosecutor.email, colleague.email]


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN,
                                    Status.INTAKE_COMPLETED, Status.INTAKE_MISSED])
def test_each_change_reaches_exactly_the_linked_office(make, office, staff, mail_app, mailbox,
                                                       status):
    referral = make.referral(ARREST, status, by=office.officer)
    make.referral(ARREST, status, by=office.stranger_officer)  # another agency's: nobody told
    make.referral(SOCIAL, Status.WITHDRAWN, by=office.officer)  # no charges: nobody told
    deliver(mail_app)
    mail = received(mailbox, "Arrest diversion")
    assert sorted(mail) == sorted(staff)
    # Accepted then intake: two changes, so two notices; every other path makes one.
    expected = 2 if status in (Status.INTAKE_COMPLETED, Status.INTAKE_MISSED) else 1
    for email in staff:
        assert len(mail[email]) == expected
        for message in mail[email]:
            assert_notice(message, referral.reference, LIST)


def test_a_referral_still_open_tells_the_office_nothing(make, office, staff, session):
    make.referral(ARREST, Status.NEEDS_INFORMATION, by=office.officer)
    assert count(session, OutboxMessage, OutboxMessage.kind == "prosecutor_update") == 0
    assert count(session, ProsecutorUpdate) == 0


def test_a_deadline_extension_is_told_and_listed(make, office, staff, mail_app, mailbox, app,
                                                 signed_in, session):
    referral = make.referral(ARREST, Status.ACCEPTED, by=office.officer)
    new_deadline = referral.intake_deadline + timedelta(days=14)
    with db.transaction(app) as work:  # as the deadline extension (item 5) will emit it
        extended = work.get(Referral, referral.id)
        old_deadline, extended.intake_deadline = extended.intake_deadline, new_deadline
        events.emit("referral.deadline_extended", referral=extended, actor=None,
                    old_deadline=old_deadline, new_deadline=new_deadline,
                    reason="The person is in hospital")
    deliver(mail_app)
    mail = received(mailbox, "Arrest diversion")
    assert sorted(mail) == sorted(staff)
    for email in staff:
        assert len(mail[email]) == 2  # accepted, then extended
        assert_notice(mail[email][1], referral.reference, LIST)
        assert "hospital" not in mail[email][1][1]
    page = signed_in(office.prosecutor).get("/prosecutor/referrals?change=deadline_extended")
    assert referral.reference in page.text and "Deadline extended" in page.text
    assert f"{new_deadline:%B} {new_deadline.day}, {new_deadline.year}" in page.text
    assert "hospital" not in page.text


def test_a_change_that_rolls_back_tells_nobody(make, office, staff, app, session):
    referral = make.referral(ARREST, Status.IN_REVIEW, by=office.officer)
    with pytest.raises(RuntimeError), db.transaction(app) as work:
        events.emit("referral.status_changed", referral=work.get(Referral, referral.id),
                    actor=None, source=Status.IN_REVIEW, target=Status.ACCEPTED)
        raise RuntimeError("the decision failed after the event")
    assert count(session, OutboxMessage, OutboxMessage.kind == "prosecutor_update") == 0
    assert count(session, ProsecutorUpdate) == 0


def test_the_office_sees_its_notice_as_required_on_its_notices_page(signed_in, office):
    page = signed_in(office.prosecutor).get("/profile/notices")
    assert "An arrest diversion of your agencies is accepted" in page.text
    assert "Do not email me" not in page.text, "the office cannot turn it off"

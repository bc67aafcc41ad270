"""The demo gives a few accepted referrals a case manager and contact attempts."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.casework.models import CaseManagerAssignment, ContactAttempt
from portal.demo import accounts as demo_accounts
from portal.demo.commands import demo
from portal.referrals.models import Referral
from portal.referrals.states import Status
from tests.casework.test_conference import PAGE, _rows


def test_the_demo_gives_accepted_referrals_casework(app, session, signed_in):
    done = app.test_cli_runner().invoke(demo, [])
    assert done.exit_code == 0, done.output
    session.expire_all()
    worked = set(session.scalars(select(ContactAttempt.referral_id)))
    assert len(worked) == 3
    statuses = set(session.scalars(select(Referral.status).where(Referral.id.in_(worked))))
    assert statuses == {Status.ACCEPTED}
    managers = session.scalars(select(CaseManagerAssignment)).all()
    assert sorted((m.agency or m.user.email) for m in managers) == [
        "Harbor Outreach", "admin@lead.demo"]
    coordinator = session.scalar(select(User).where(User.email == "coordinator@lead.demo"))
    page = signed_in(coordinator, password=demo_accounts.PASSWORD).get(PAGE)
    accepted = _rows(page, "accepted")
    assert len(accepted) == 6
    assert sum(row["Last contact attempt"] != "None yet" for row in accepted) == 3
    assert {row["Holder"] for row in accepted} == {"Casey Nguyen", "Jordan Blake"}

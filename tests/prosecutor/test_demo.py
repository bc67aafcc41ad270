"""`lead-portal demo`: the District Attorney's Office, linked to the demo police department, with
the account prosecutor@da.demo, which sees the demo's decided arrest diversions."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.demo import accounts as demo_accounts
from portal.demo.commands import demo
from portal.prosecutor.fields import CHANGES
from portal.prosecutor.models import ProsecutorAgency, ProsecutorUpdate
from portal.referrals.models import Referral


def test_the_demo_office_sees_the_demo_police_departments_arrest_diversions(app, session,
                                                                           signed_in):
    result = app.test_cli_runner().invoke(demo, ["--referrals", "200"])
    assert result.exit_code == 0, result.output
    assert "prosecutor@da.demo" in result.output
    session.expire_all()
    office = session.scalar(select(Organisation).where(
        Organisation.name == "District Attorney's Office"))
    assert office.kind is OrgKind.PROSECUTOR
    police = session.scalar(select(Organisation).where(
        Organisation.name == "Metro Police Department"))
    assert [link.agency_id for link in session.scalars(select(ProsecutorAgency).where(
        ProsecutorAgency.prosecutor_id == office.id))] == [police.id]
    user = session.scalar(select(User).where(User.email == "prosecutor@da.demo"))
    assert (user.role, user.organisation_id) == (Role.PROSECUTOR, office.id)
    told = {r.id for r in session.scalars(select(Referral).where(
        Referral.route == "arrest_diversion", Referral.status.in_(list(CHANGES)[:5])))}
    assert told and set(session.scalars(select(ProsecutorUpdate.referral_id))) == told, \
        "the workflow's referrals and the generated ones alike"
    browser = signed_in(user, password=demo_accounts.PASSWORD)
    page = browser.get("/prosecutor/referrals")
    agencies = {cell.get_text(strip=True) for cell in
                page.soup.select("#prosecutor-list td[data-label=Agency]")}
    assert agencies == {"Metro Police Department"}

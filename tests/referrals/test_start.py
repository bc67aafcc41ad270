"""Starting a referral: which routes an organisation's kind may use (ruleset data)."""

from __future__ import annotations

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import Referral
from tests.referrals.helpers import ARREST, SOCIAL, audit_rows, count


def offered(page) -> list[str]:
    return [radio["value"] for radio in page.soup.select("input[name=route]")]


def test_a_community_partner_is_not_offered_arrest_diversion(client, make):
    client.sign_in(make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER))
    page = client.get("/referrals/new")
    assert offered(page) == [SOCIAL]
    assert "Arrest diversion" not in page.text


def test_a_community_partner_posting_arrest_diversion_is_refused(client, make, session):
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(user)
    page = client.submit_page("/referrals/new", {"route": ARREST})
    assert page.status == 200
    assert page.errors == ["Select a kind of referral your organization can make"]
    assert page.error_targets() == ["route-0"]
    assert page.title.startswith("Error: ")
    assert count(session, Referral) == 0
    assert not audit_rows(session, "referral.started")


def test_a_community_partner_can_start_a_social_contact_referral(client, make, session):
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(user)
    response = client.submit("/referrals/new", {"route": SOCIAL}, status=302)
    [row] = session.query(Referral).all()
    assert response.location == f"/referrals/{row.id}/referrer"
    assert (row.route, row.status.value, row.organisation_id, row.referrer_id) == \
        (SOCIAL, "draft", user.organisation_id, user.id)
    assert audit_rows(session, "referral.started", object_id=str(row.id))


def test_a_law_enforcement_referrer_can_use_both_routes(client, make, session):
    user = make.user(Role.REFERRER, kind=OrgKind.LAW_ENFORCEMENT)
    client.sign_in(user)
    assert offered(client.get("/referrals/new")) == [ARREST, SOCIAL]
    for route in (ARREST, SOCIAL):
        response = client.submit("/referrals/new", {"route": route}, status=302)
        assert response.location.endswith("/referrer")
    session.expire_all()
    assert sorted(r.route for r in session.query(Referral).all()) == [ARREST, SOCIAL]


def test_no_route_chosen_is_refused_with_the_summary(client, make, session):
    client.sign_in(make.user(Role.REFERRER))
    page = client.submit_page("/referrals/new", {})
    assert page.errors == ["Select the kind of referral"]
    assert page.error_targets() == ["route-0"]
    assert count(session, Referral) == 0


def test_an_unknown_route_is_refused(client, make, session):
    client.sign_in(make.user(Role.REFERRER))
    page = client.submit_page("/referrals/new", {"route": "sentencing"})
    assert page.status == 200
    assert page.errors == ["Select a kind of referral your organization can make"]
    assert count(session, Referral) == 0


def test_coordinators_do_not_start_referrals(client, make, session):
    client.sign_in(make.user(Role.COORDINATOR))
    client.get("/referrals/new", status=403)
    assert count(session, Referral) == 0

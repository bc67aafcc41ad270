"""Starting a referral: which routes an organisation's kind may use (ruleset data)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import Referral
from portal.referrals import routes
from tests.referrals import builders
from tests.referrals.helpers import ARREST, SOCIAL, audit_rows, count


def offered(page) -> list[str]:
    return [radio["value"] for radio in page.soup.select("input[name=route]")]


def test_a_community_partner_is_not_asked_which_route_it_has_only_one_of(client, make, session):
    """Issue 14: no page with a single choice; the draft starts on the first question page,
    and opening the start page again (a reload) starts no second draft."""
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(user)
    for _ in range(2):
        response = client.raw.get("/referrals/new")
        [row] = session.query(Referral).all()
        assert response.status_code == 302
        assert response.location == f"/referrals/{row.id}/referrer"
        assert row.route == SOCIAL
        session.expire_all()


def test_a_complete_profile_answers_the_referrer_page(client, make, session):
    """Issue 14: the referrer page is skipped, answered from the profile, and listed (with its
    Change link) on check your answers."""
    user = make.user(Role.REFERRER, kind=OrgKind.LAW_ENFORCEMENT, badge_number="5512",
                     phone="303 555 0177")
    client.sign_in(user)
    response = client.submit("/referrals/new", {"route": ARREST}, status=302, form_url="/home")
    [row] = session.query(Referral).all()
    assert response.location == f"/referrals/{row.id}/arrest"
    assert row.answers["referrer"] == {"name": user.name, "badge_number": "5512",
                                       "phone": "303 555 0177"}
    check = client.get(f"/referrals/{row.id}/check")
    assert check.soup.find("a", href=f"/referrals/{row.id}/referrer?return=check")


def test_a_community_partner_posting_arrest_diversion_is_refused(client, make, session):
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(user)
    page = client.submit_page("/referrals/new", {"route": ARREST}, form_url="/home")
    assert page.status == 200
    assert page.errors == ["Select a kind of referral your organization can make"]
    assert page.error_targets() == ["route-0"]
    assert page.title.startswith("Error: ")
    assert count(session, Referral) == 0
    assert not audit_rows(session, "referral.started")


def test_a_community_partner_can_start_a_social_contact_referral(client, make, session):
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    client.sign_in(user)
    response = client.submit("/referrals/new", {"route": SOCIAL}, status=302, form_url="/home")
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


def test_the_arrest_page_starts_at_now_in_the_programs_time_zone(client, make, app,
                                                                 monkeypatch):
    """Issue 14: an officer refers from the scene: the date and time are offered, as the
    program's clock reads them (9:30pm in Denver is already the next day in UTC)."""
    settings = app.extensions["portal.settings"]
    monkeypatch.setitem(app.extensions, "portal.settings",
                        dataclasses.replace(settings, timezone="America/Denver"))
    client.sign_in(make.user(Role.REFERRER, kind=OrgKind.LAW_ENFORCEMENT))
    referral_id = builders.start(client, ARREST)

    class Then(datetime):  # the clock the step view reads (moving the whole clock back would
        @classmethod       # make the session cookie's signature younger than "now")
        def now(cls, tz=None):
            return datetime(2026, 1, 15, 4, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(routes, "datetime", Then)
    page = client.get(f"/referrals/{referral_id}/arrest")
    assert page.value("arrest_date") == "1/14/2026"
    assert page.value("arrest_time") == "21:30"

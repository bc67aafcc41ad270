"""Every page the feature adds keeps the invariants of every page (``client.get`` checks them: a
title, a language, a heading, CSRF tokens, error links that point at fields, no duplicate ids),
and none of them may be kept by a browser's cache."""

from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind, Role
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import ARREST, ROUTES, check_url, slugs


def visit(browser, url: str):
    page = browser.get(url)
    assert page.response.headers["Cache-Control"] == "no-store", url
    return page


@pytest.mark.parametrize("route", ROUTES)
def test_every_page_of_a_referral_keeps_the_invariants(make, signed_in, route):
    user = make.referrer(route)
    browser = signed_in(user)
    visit(browser, "/referrals/")
    if route == ARREST:  # a community partner has one route: no page asks which
        visit(browser, "/referrals/new")
    empty = builders.start(browser, route)
    for slug in slugs(route):
        visit(browser, f"/referrals/{empty}/{slug}")  # blank
        visit(browser, f"/referrals/{empty}/{slug}?return=check")
    visit(browser, check_url(empty))  # pages missing
    visit(browser, f"/referrals/{empty}/consent?language=es")

    referral_id = builders.fill_draft_quickly(browser, route)
    for slug in slugs(route):
        visit(browser, f"/referrals/{referral_id}/{slug}")  # answered
        errors = browser.submit_page(f"/referrals/{referral_id}/{slug}", {})
        assert errors.status == 200 and errors.errors, slug  # submit_page checked it
    visit(browser, check_url(referral_id))
    browser.submit(check_url(referral_id), {}, status=302)
    visit(browser, f"/referrals/{referral_id}/confirmation")
    visit(browser, f"/referrals/{referral_id}")
    visit(browser, f"/referrals/{referral_id}/consent/revoke")
    errors = browser.submit_page(f"/referrals/{referral_id}/consent/revoke", {})
    assert errors.errors
    errors = browser.submit_page(f"/referrals/{referral_id}/withdraw", {},
                                 form_url=f"/referrals/{referral_id}")
    assert errors.errors
    visit(browser, "/referrals/")


def test_the_administrator_and_coordinator_pages_keep_the_invariants(make, signed_in):
    organisation = make.org(OrgKind.LAW_ENFORCEMENT)
    officer = signed_in(make.user(Role.REFERRER, organisation))
    sent = make.referral(ARREST, by=officer.user).id
    draft = make.referral(ARREST, Status.DRAFT, by=officer.user,
                          pages=("referrer", "arrest", "charges")).id
    admin = signed_in(make.user(Role.PARTNER_ADMIN, organisation))
    visit(admin, "/referrals/")
    visit(admin, f"/referrals/{sent}")
    visit(admin, f"/referrals/{draft}")
    visit(admin, f"/referrals/{sent}/consent/revoke")
    coordinator = signed_in(make.user(Role.COORDINATOR))
    visit(coordinator, f"/referrals/{sent}/consent/revoke")
    page = coordinator.submit_page(f"/referrals/{sent}/consent/revoke",
                                   {"requested_on": "2/31/2026", "method": "in_writing"})
    assert page.errors == ["Enter the date of the revocation as a real date, like 3/27/2026"]
    assert page.value("requested_on") == "2/31/2026"

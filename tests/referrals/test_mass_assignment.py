"""Extra fields posted with a page (a status, an organisation, a claim...) change nothing they
name: the pages save only their own questions."""

from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import Referral
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    REFERENCE,
    ROUTES,
    answers,
    check_url,
    page_data,
    referral,
    send,
    slugs,
)

NAMED = ("status", "organisation_id", "referrer_id", "reference", "claimed_by_id", "version")


@pytest.fixture
def extras(make):
    """Values that would each be a takeover: another organisation, another referrer, a claim."""
    other = make.org(OrgKind.LAW_ENFORCEMENT)
    return {"status": "accepted", "organisation_id": str(other.id),
            "referrer_id": str(make.user(Role.REFERRER, other).id), "reference": "AAAA-BBBB",
            "claimed_by_id": str(make.user(Role.COORDINATOR).id), "version": "99",
            "id": "1", "answers": "{}", "submitted_at": "2020-01-01"}


def columns(row: Referral) -> dict:
    return {name: getattr(row, name, None) for name in NAMED}


def assert_untouched(row: Referral, user, extras: dict) -> None:
    assert row.status is Status.DRAFT
    assert row.organisation_id == user.organisation_id
    assert row.referrer_id == user.id
    assert row.reference is None and row.submitted_at is None
    assert getattr(row, "claimed_by_id", None) is None
    assert row.version != int(extras["version"])


@pytest.mark.parametrize("route", ROUTES)
def test_extra_fields_on_every_page_change_nothing(make, signed_in, session, extras, route):
    user = make.referrer(route)
    browser = signed_in(user)
    referral_id = builders.start(browser, route)
    for slug in slugs(route):
        response = browser.submit(f"/referrals/{referral_id}/{slug}",
                                  {**page_data(route, slug), **extras})
        assert response.status_code == 302, slug
        row = referral(session, referral_id)
        assert_untouched(row, user, extras)
        assert not set(row.answers[slug]) & set(extras), f"{slug} saved only its own questions"
    assert list(answers(session, referral_id)) == slugs(route)


def test_extra_fields_on_check_change_nothing(make, signed_in, session, extras):
    user = make.user(Role.REFERRER)
    browser = signed_in(user)
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    drafted = answers(session, referral_id)
    response = send(browser, referral_id, extras)
    assert response.status_code == 302
    assert response.location == f"/referrals/{referral_id}/confirmation"
    row = referral(session, referral_id)
    assert row.status is Status.SUBMITTED, "submitted, not accepted"
    assert (row.organisation_id, row.referrer_id) == (user.organisation_id, user.id)
    assert REFERENCE.match(row.reference) and row.reference != extras["reference"]
    assert getattr(row, "claimed_by_id", None) is None
    assert row.version != int(extras["version"])
    assert row.answers == drafted
    assert row.id == referral_id and str(row.submitted_at.year) != "2020"


def test_extra_fields_on_withdraw_change_only_the_status_to_withdrawn(make, signed_in, session,
                                                                      extras):
    user = make.user(Role.REFERRER)
    browser = signed_in(user)
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    send(browser, referral_id, status=302)
    before = columns(referral(session, referral_id))
    browser.submit(f"/referrals/{referral_id}/withdraw", {"reason": "Moved away", **extras},
                   form_url=f"/referrals/{referral_id}", status=302)
    after = columns(referral(session, referral_id))
    assert after["status"] is Status.WITHDRAWN
    assert {k: v for k, v in after.items() if k not in {"status", "version"}} == \
        {k: v for k, v in before.items() if k not in {"status", "version"}}
    assert after["version"] == before["version"] + 1


def test_a_check_page_posted_for_another_route_changes_nothing(make, signed_in, session):
    """The route is chosen once, on /referrals/new; a page of the other route is not found."""
    user = make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER)
    browser = signed_in(user)
    referral_id = builders.start(browser, "social_contact")
    response = browser.submit(f"/referrals/{referral_id}/arrest", page_data(ARREST, "arrest"),
                              form_url=check_url(referral_id))
    assert response.status_code == 404
    assert answers(session, referral_id) == {}
    assert referral(session, referral_id).route == "social_contact"

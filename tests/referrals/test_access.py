"""A partner never sees another organisation's drafts or referrals: every route of the feature
answers 404, changes nothing and writes an ``access.refused`` row. Within an organisation, a
referrer sees only their own; the partner administrator sees all, and edits none of the drafts."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.models import OrgKind, Role
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    audit_rows,
    page_data,
    snapshot,
)

# (method, path after /referrals/<id>, which referral, form data)
DRAFT, SENT, ASKED = "draft", "sent", "asked"
REQUESTS = [
    ("GET", "", DRAFT, None),
    ("GET", "", SENT, None),
    ("GET", "/person", DRAFT, None),
    ("POST", "/person", DRAFT, {**page_data(ARREST, "person"), "legal_name": "Someone Else"}),
    ("GET", "/consent", DRAFT, None),
    ("POST", "/consent", DRAFT, builders.consent_page(ARREST)),
    ("GET", "/check", DRAFT, None),
    ("POST", "/check", DRAFT, {"partner_note": "sent by a stranger"}),
    ("GET", "/check", SENT, None),
    ("GET", "/confirmation", SENT, None),
    ("POST", "/discard", DRAFT, {}),
    ("POST", "/withdraw", SENT, {"reason": "a stranger withdraws it"}),
    ("POST", "/answer", ASKED, {"answer": "a stranger answers"}),
    ("GET", "/consent/revoke", SENT, None),
    ("POST", "/consent/revoke", SENT, {"requested_on": date.today().strftime("%-m/%-d/%Y"),
                                       "method": "in_writing"}),
]
IDS = [f"{method} {path or '/'} ({which})" for method, path, which, _ in REQUESTS]


@pytest.fixture
def owned(make, signed_in):
    """An officer's draft, submitted referral, and a referral a coordinator asked about."""
    organisation = make.org(OrgKind.LAW_ENFORCEMENT)
    owner = make.user(Role.REFERRER, organisation)
    browser = signed_in(owner)
    sent = make.referral(by=owner).id
    asked = make.referral(by=owner, status=Status.NEEDS_INFORMATION).id
    draft = make.referral(by=owner, status=Status.DRAFT).id
    return {"owner": owner, "organisation": organisation, "browser": browser,
            DRAFT: draft, SENT: sent, ASKED: asked}


def attempt(browser, method: str, url: str, data: dict | None):
    if method == "GET":
        return browser.raw.get(url)
    # A real token of the visitor's own session: the refusal is about the referral, not CSRF.
    return browser.submit(url, data or {}, form_url="/referrals/new")


def assert_refused(browser, user, session, owned, method, path, which, data):
    referral_id = owned[which]
    before = snapshot(session, referral_id)
    refusals = len(audit_rows(session, "access.refused", user_id=user.id))
    response = attempt(browser, method, f"/referrals/{referral_id}{path}", data)
    assert response.status_code == 404, (method, path, response.status_code, response.location)
    assert b"Page not found" in response.data
    assert snapshot(session, referral_id) == before, "nothing changed"
    rows = audit_rows(session, "access.refused", user_id=user.id)
    assert len(rows) == refusals + 1
    assert (rows[-1].object_type, rows[-1].object_id, rows[-1].outcome) == \
        ("referrals", str(referral_id), "refused")


@pytest.mark.parametrize("role", [Role.REFERRER, Role.PARTNER_ADMIN])
def test_another_organisation_gets_404_everywhere_and_nothing_changes(make, signed_in, session,
                                                                      owned, role):
    stranger = make.user(role, make.org(OrgKind.LAW_ENFORCEMENT))
    browser = signed_in(stranger)
    for method, path, which, data in REQUESTS:
        assert_refused(browser, stranger, session, owned, method, path, which, data)
    listed = browser.get("/referrals/").text
    assert "José O'Neil" not in listed and "No referrals yet" in listed


def test_a_colleague_referrer_gets_404_everywhere(make, signed_in, session, owned):
    colleague = make.user(Role.REFERRER, owned["organisation"])
    browser = signed_in(colleague)
    for method, path, which, data in REQUESTS:
        assert_refused(browser, colleague, session, owned, method, path, which, data)
    assert "No referrals yet" in browser.get("/referrals/").text


def test_the_partner_administrator_sees_but_does_not_edit_a_colleagues_draft(
        make, signed_in, session, owned):
    admin = make.user(Role.PARTNER_ADMIN, owned["organisation"])
    browser = signed_in(admin)
    for which in (DRAFT, SENT, ASKED):
        page = browser.get(f"/referrals/{owned[which]}")
        assert "José O'Neil" in page.text
        assert not page.soup.select(".portal-summary-list__action a"), \
            "no Change links to pages the administrator cannot open"
    assert audit_rows(session, "referral.viewed", user_id=admin.id)
    for method, path, data in [
        ("GET", "/person", None), ("POST", "/person", page_data(ARREST, "person")),
        ("GET", "/consent", None), ("POST", "/consent", builders.consent_page(ARREST)),
        ("GET", "/check", None), ("POST", "/check", {}),
    ]:
        assert_refused(browser, admin, session, owned, method, path, DRAFT, data)
    rows = browser.get("/referrals/").soup.select("tbody tr")
    assert len(rows) == 3, "the organisation's referrals and drafts"


def test_coordinators_cannot_use_the_partner_pages(make, signed_in, session, owned):
    coordinator = make.user(Role.COORDINATOR)
    browser = signed_in(coordinator)
    for path in ("", "/check", "/confirmation"):
        assert browser.raw.get(f"/referrals/{owned[SENT]}{path}").status_code == 403
    assert browser.raw.get(f"/referrals/{owned[DRAFT]}/consent/revoke").status_code == 404, \
        "program staff never see a partner's draft"

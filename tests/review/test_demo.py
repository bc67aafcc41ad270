"""`lead-portal demo --referrals N`: realistic referrals in bulk that the database accepts and the
coordinator's pages show."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import db
from portal.accounts.models import Organisation, OrgKind, User
from portal.demo import accounts as demo_accounts
from portal.demo import referrals as demo_referrals
from portal.demo import workflow as demo_workflow
from portal.demo.commands import demo
from portal.referrals.models import Referral, ReferralVersion, Screening
from portal.reports.models import ReferralCharge
from portal.referrals.states import OPEN, Status
from portal.review.queries import QUEUE_STATUSES
from tests.review.helpers import queue_rows, review_url

DECIDED = {Status.ACCEPTED, Status.DECLINED, Status.INTAKE_COMPLETED, Status.INTAKE_MISSED}


def _satisfies_every_check(r: Referral) -> list[str]:
    """The CHECK constraints of the referrals table, read in Python (models.py, 0003)."""
    broken = []
    if r.status is not Status.DRAFT and None in (r.reference, r.submitted_at, r.legal_name,
                                                 r.date_of_birth):
        broken.append("submitted_has_reference")
    if r.route not in {"arrest_diversion", "social_contact"}:
        broken.append("route_known")
    if r.status in DECIDED and None in (r.decided_by_id, r.decided_at):
        broken.append("decided_has_decider")
    if r.status is Status.DECLINED and (r.decline_reason is None
                                        or r.declined_by not in {"program", "person"}):
        broken.append("declined_has_reason")
    if r.status is Status.INTAKE_COMPLETED and r.intake_completed_on is None:
        broken.append("intake_completed_has_date")
    if r.claimed_by_id is not None and (r.claimed_at is None or r.status not in {
            Status.IN_REVIEW, Status.NEEDS_INFORMATION}):
        broken.append("claim_only_while_open")
    if r.override_justification is not None and r.status not in {
            Status.ACCEPTED, Status.INTAKE_COMPLETED, Status.INTAKE_MISSED}:
        broken.append("override_only_on_accept")
    return broken


def test_demo_with_500_referrals(app, session, signed_in):
    started = datetime.now(UTC)
    result = app.test_cli_runner().invoke(demo, ["--referrals", "500"])
    assert result.exit_code == 0, result.output
    assert "Added 500 referrals." in result.output

    session.expire_all()
    # The bulk ones: not the few dozen the demo makes through the workflow (tested below).
    rows = session.scalars(select(Referral).where(
        Referral.legal_name.not_in(demo_workflow.PEOPLE))).all()
    assert len(rows) == 500
    statuses = Counter(r.status for r in rows)
    assert set(statuses) == set(Status) - {Status.DRAFT}, statuses
    open_count = sum(statuses[s] for s in QUEUE_STATUSES)
    assert open_count == 50 and open_count <= 3000
    assert sum(statuses[s] for s in OPEN) < open_count, "accepted ones wait for intake"
    assert open_count < len(rows) / 2, "most are closed"
    assert {r.route for r in rows} == {"arrest_diversion", "social_contact"}
    partners = {o.id: o for o in session.scalars(select(Organisation))}
    assert {partners[r.organisation_id].name for r in rows} == {
        "Metro Police Department", "Harbor Outreach"}
    assert all(partners[r.organisation_id].kind is OrgKind.LAW_ENFORCEMENT
               for r in rows if r.route == "arrest_diversion"), "the route's organisations"
    assert not {r.id: b for r in rows if (b := _satisfies_every_check(r))}
    assert len({r.reference for r in rows}) == 500
    reasons = set(app.extensions["portal.ruleset"].decline_reason_labels)
    assert {r.decline_reason for r in rows if r.decline_reason} <= reasons
    assert all(r.intake_deadline is None for r in rows if r.route == "social_contact")
    moments = [m for r in rows for m in (r.submitted_at, r.claimed_at, r.decided_at) if m]
    assert max(moments) <= datetime.now(UTC), "nothing was sent or decided in the future"
    assert min(r.submitted_at for r in rows) < started - timedelta(days=365)

    # The coordinator's pages show them: one referral of each status, and the queue.
    coordinator = session.scalar(select(User).where(User.email == "coordinator@lead.demo"))
    browser = signed_in(coordinator, password=demo_accounts.PASSWORD)
    for status in statuses:
        example = next(r for r in rows if r.status is status)
        page = browser.get(review_url(example.id))
        assert page.soup.find(id="status").get_text() == status.label
    assert len(queue_rows(browser.get("/review/"))) == 50


def test_generate_refuses_without_a_coordinator_to_decide(app_context, make):
    """Decided referrals need their decider (the database refuses them without): say so."""
    make.user(organisation=make.org(OrgKind.LAW_ENFORCEMENT))
    with pytest.raises(RuntimeError, match="load the demo accounts first"):
        demo_referrals.generate(100)
    assert db.session().scalar(select(Referral.id)) is None


def test_the_demo_loads_referrals_in_every_state_through_the_workflow(app, session, signed_in):
    """Made by the app's own operations: each has its versions, screening, consent and events,
    so that the pages, receipts and reports work on them. Loaded once, however often run."""
    first = app.test_cli_runner().invoke(demo, [])
    assert first.exit_code == 0, first.output
    assert "Added 40 demo referrals, in every state of the workflow." in first.output
    again = app.test_cli_runner().invoke(demo, [])
    assert again.exit_code == 0 and "demo referrals" not in again.output

    session.expire_all()
    rows = session.scalars(select(Referral)).all()
    assert len(rows) == 40
    assert set(Counter(r.status for r in rows)) == set(Status) - {Status.DRAFT}
    assert {r.route for r in rows} == {"arrest_diversion", "social_contact"}
    assert {r.screening_decision for r in rows} == {"eligible", "needs_review", "ineligible"}
    assert not {r.id: b for r in rows if (b := _satisfies_every_check(r))}
    ids = {r.id for r in rows}
    for table in (ReferralVersion, Screening, ReferralCharge):
        assert set(session.scalars(select(table.referral_id))) == ids, table.__tablename__
    assert all(r.events for r in rows), "made by the operations, with their events"

    coordinator = session.scalar(select(User).where(User.email == "coordinator@lead.demo"))
    browser = signed_in(coordinator, password=demo_accounts.PASSWORD)
    queued = {row["Reference"] for row in queue_rows(browser.get("/review/"))}
    assert {r.reference for r in rows if r.status in QUEUE_STATUSES} <= queued
    for status in set(Status) - {Status.DRAFT}:
        example = next(r for r in rows if r.status is status)
        page = browser.get(review_url(example.id))
        assert page.soup.find(id="status").get_text() == status.label
    officer = session.scalar(select(User).where(User.email == "officer@police.demo"))
    mine = next(r for r in rows if r.referrer_id == officer.id)
    receipt = signed_in(officer, password=demo_accounts.PASSWORD).raw.get(
        f"/referrals/{mine.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")

"""The factory makes what the real flow makes: the answers the pages store, and in every state
the rows the workflow leaves (consent, screening, first version, events, decision columns)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import OrgKind, Role
from portal.consent.models import Consent
from portal.referrals.models import InformationRequest, ReferralEvent, ReferralVersion, Screening
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import REFERENCE, ROUTES, answers, count

KINDS = {"arrest_diversion": OrgKind.LAW_ENFORCEMENT, "social_contact": OrgKind.COMMUNITY_PARTNER}


@pytest.mark.parametrize("route", ROUTES)
def test_the_factory_stores_what_the_pages_store(make, signed_in, session, route):
    """If a page changes what it stores, this fails: change tests/stored_answers.py with it."""
    browser = signed_in(make.user(Role.REFERRER, kind=KINDS[route]))
    through_pages = answers(session, builders.fill_draft(browser, route))
    made = make.referral(route, Status.DRAFT, by=browser.user)
    assert made.answers == through_pages


@pytest.mark.parametrize("status", list(Status))
def test_a_referral_in_every_state_has_the_rows_of_the_real_flow(make, session, status):
    referral = make.referral(status=status)
    assert referral.status is status
    rows = {model.__name__: count(session, model, model.referral_id == referral.id)
            for model in (Consent, Screening, ReferralVersion, InformationRequest)}
    events = [(e.from_status, e.to_status) for e in session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.id))]
    if status is Status.DRAFT:
        assert rows == dict.fromkeys(rows, 0) and events == []
        assert referral.reference is None and "consent" in referral.answers
        return
    assert rows == {"Consent": 1, "Screening": 1, "ReferralVersion": 1,
                    "InformationRequest": int(status is Status.NEEDS_INFORMATION)}
    assert events[0] == (Status.DRAFT, Status.SUBMITTED) and events[-1][1] is status
    assert all(a[1] == b[0] for a, b in zip(events, events[1:], strict=False)), events
    assert REFERENCE.match(referral.reference)
    assert referral.screening_decision == "eligible" and referral.legal_name == "José O'Neil"


def test_decided_states_carry_their_decision_and_open_ones_their_holder(make, session):
    casey = make.user(Role.COORDINATOR, name="Casey")
    declined = make.referral(status=Status.DECLINED, decider=casey)
    assert (declined.decided_by_id, declined.decline_reason, declined.declined_by) == (
        casey.id, "duplicate", "program")
    completed = make.referral(status=Status.INTAKE_COMPLETED, decider=casey)
    assert completed.intake_completed_on is not None and completed.decided_at is not None
    assert make.referral(status=Status.IN_REVIEW).claimed_by_id is None
    assert make.referral(status=Status.IN_REVIEW, claimed_by=casey).claimed_by_id == casey.id
    waiting = make.referral(status=Status.NEEDS_INFORMATION, claimed_by=casey)
    assert waiting.claimed_by_id == casey.id
    assert make.referral(status=Status.NEEDS_INFORMATION).claimed_by_id is None
    overridden = make.referral(status=Status.ACCEPTED, screening="needs_review")
    assert overridden.override_justification


def test_a_partial_draft_has_only_its_pages_and_overrides_land_on_their_page(make):
    draft = make.referral(status=Status.DRAFT, pages=("referrer", "arrest"))
    assert list(draft.answers) == ["referrer", "arrest"]
    sent = make.referral(legal_name="Pat Example", answers={"person": {"phone": ""}},
                         screening="ineligible", age_days=40)
    assert (sent.legal_name, sent.answers["person"]["phone"]) == ("Pat Example", "")
    assert sent.answers["consent"]["signature"] == "Pat Example"
    assert sent.screening_decision == "ineligible"
    assert (sent.intake_deadline - sent.submitted_at.date()).days == 30
    assert sent.submitted_at.date() == date.today() - timedelta(days=40)

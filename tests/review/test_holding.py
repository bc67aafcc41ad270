"""A claim means something: only the coordinator holding a referral (or a program administrator)
decides it, asks the partner or reassigns it; another coordinator sees who holds it and can ask
a program administrator to reassign it."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.referrals.models import Referral, ReviewNote
from portal.referrals.states import Status
from tests.review.helpers import act, act_page, audit_rows, fresh, review_url, snapshot

REFUSAL = ("Only Casey Holder (or a program administrator) can do that: ask a program "
           "administrator to reassign it to you")
ATTEMPTS = {
    "accept": {"message": "Welcome"},
    "decline": {"reason": "duplicate", "declined_by": "program", "note": "Referred twice."},
    "request-information": {"question": "What is the best phone number?"},
    "reassign": None,  # filled in with the second coordinator's own id
}


@pytest.fixture
def held(make, officer, casey):
    casey.name = "Casey Holder"
    return make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)


@pytest.mark.parametrize("action", list(ATTEMPTS))
def test_a_second_coordinators_action_is_refused_and_changes_nothing(make, session, signed_in,
                                                                     casey, held, action):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    data = ATTEMPTS[action] or {"coordinator": str(jo.id), "note": "Mine now"}
    before = snapshot(session, held.id)
    refused = act_page(signed_in(jo), held.id, action, data)
    assert refused.status == 400 and refused.errors == [REFUSAL]
    assert snapshot(session, held.id) == before


def test_others_see_the_holder_and_can_ask_to_reassign(make, session, signed_in, casey, held):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    browser = signed_in(jo)
    page = browser.get(review_url(held.id))
    assert "Casey Holder is working on this referral" in page.soup.find(id="held-by").get_text()
    buttons = [b.get_text(" ").strip() for b in page.soup.select(".portal-decisions button")]
    assert buttons == ["Ask a program administrator to reassign it to me"]
    act(browser, held.id, "ask-reassign", page=page, status=302)
    [asked] = audit_rows(session, "referral.reassign_asked", object_id=str(held.id))
    assert (asked.user_id, asked.detail) == (jo.id, {"holder": casey.id})
    [note] = session.query(ReviewNote).filter_by(referral_id=held.id).all()
    assert note.body == "Jo Ramos asked to reassign this referral from Casey Holder to them"
    assert fresh(session, Referral, held.id).claimed_by_id == casey.id, "asked, not moved"


def test_the_holder_and_a_program_administrator_may_act(make, session, signed_in, casey, held):
    admin = make.user(Role.PROGRAM_ADMIN, casey.organisation, name="Ada Admin")
    act(signed_in(admin), held.id, "request-information",
        {"question": "What is the best phone number?"}, status=302)
    assert fresh(session, Referral, held.id).status is Status.NEEDS_INFORMATION
    other = make.referral(status=Status.IN_REVIEW, claimed_by=casey)
    act(signed_in(casey), other.id, "accept", {"message": "Welcome"}, status=302)
    assert fresh(session, Referral, other.id).status is Status.ACCEPTED

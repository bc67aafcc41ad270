"""Bad input answers 400 or 409 with a page, never 500 (issue 10, item 15): a NUL character
anywhere in a request, JSON nested thousands deep, and a partner's withdrawal racing a
coordinator's decision (the version changed between load and flush)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from portal import db
from portal.accounts.models import OrgKind, Role
from portal.public.models import AccessRequest
from portal.referrals.models import Referral, ReferralEvent
from portal.referrals.states import Status
from tests.accounts.helpers import audit_rows, count
from tests.pages import Page
from tests.referrals.helpers import ARREST, submit_quickly
from tests.web.test_security import VALID_REQUEST

NUL_WORDS = "contains a character that cannot be stored"


def assert_nul_page(response) -> None:
    assert response.status_code == 400
    page = Page(response)
    page.check_invariants()
    assert NUL_WORDS in page.text


def test_a_nul_in_a_form_field_answers_400_and_stores_nothing(client, session):
    response = client.submit("/request-access", {**VALID_REQUEST,
                                                 "contact_name": "Rosa\x00O'Neil"})
    assert_nul_page(response)
    assert count(session, AccessRequest) == 0


def test_a_nul_in_a_query_parameter_answers_400(client, make):
    client.sign_in(make.user(Role.PROGRAM_ADMIN))
    assert_nul_page(client.raw.get("/audit/?email=a%00b@example.org"))
    assert_nul_page(client.raw.get("/audit/export.csv?action=%00"))


def test_a_nul_in_the_path_answers_400(client):
    assert_nul_page(client.raw.get("/invitation/abc%00def"))
    assert_nul_page(client.raw.get("/password-reset/abc%00def"))


def test_a_nul_in_a_sign_in_answers_400(client, make):
    user = make.user()
    response = client.submit("/sign-in", {"email": user.email + "\x00", "password": "x" * 12})
    assert_nul_page(response)


def _api_token(client, make) -> str:
    client.sign_in(make.user(Role.REFERRER))
    return client.get("/profile").csrf_token()


@pytest.mark.parametrize("depth", [40, 100_000])
def test_json_nested_deep_answers_400_with_a_field_message(client, make, depth):
    token = _api_token(client, make)
    body = '{"route": ' + "[" * depth + "]" * depth + "}"
    response = client.raw.post("/api/v1/screenings", data=body,
                               headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["field"] == "" and "nested" in error["message"]


# --- A withdrawal racing a decision ----------------------------------------------------------------

@pytest.fixture
def decision_lands_first():
    """Between the partner's page loading the referral and the withdrawal's flush, a coordinator's
    decision commits: the row's version moves on (as the coordinator's UPDATE would)."""
    state = {"armed": False, "done": False}

    def bump(flushing: Session, _context, _instances):
        changed = [row for row in flushing.dirty if isinstance(row, Referral)]
        if changed and state["armed"] and not state["done"]:
            state["done"] = True
            flushing.connection().execute(text(
                "UPDATE referrals SET version = version + 1 WHERE id = :id"),
                {"id": changed[0].id})

    event.listen(Session, "before_flush", bump)
    yield state
    event.remove(Session, "before_flush", bump)


def test_a_withdrawal_racing_a_decision_answers_409_and_saves_nothing(signed_in, make, session,
                                                                      decision_lands_first):
    officer = make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT))
    desk = signed_in(officer)
    referral_id, _ = submit_quickly(desk, ARREST)
    token = desk.get(f"/referrals/{referral_id}").csrf_token()
    decision_lands_first["armed"] = True
    response = desk.raw.post(f"/referrals/{referral_id}/withdraw",
                             data={"reason": "Moved away", "csrf_token": token})
    assert decision_lands_first["done"]
    assert response.status_code == 409
    page = Page(response)
    page.check_invariants()
    assert "changed while you were working on it" in page.text
    assert page.soup.find("a", href=f"/referrals/{referral_id}")
    session.expire_all()
    row = session.get(Referral, referral_id)
    assert row.status is Status.SUBMITTED
    assert count(session, ReferralEvent, ReferralEvent.referral_id == referral_id,
                 ReferralEvent.to_status == Status.WITHDRAWN) == 0
    assert audit_rows(session, "referral.withdrawn") == []


def test_a_change_gone_stale_at_the_commit_answers_409_not_500(app, connection, make, session,
                                                               decision_lands_first):
    """A view that changes a referral and flushes nothing itself: the commit at the end of the
    request meets the newer version, and the answer is the 409 page, not a 500."""
    referral = make.referral("social_contact", Status.SUBMITTED)
    with app.test_request_context(f"/referrals/{referral.id}"):
        row = db.session().get(Referral, referral.id)
        row.partner_note = "Changed in a view"
        decision_lands_first["armed"] = True
        response = app.process_response(app.make_response("done"))
    assert decision_lands_first["done"]
    assert response.status_code == 409
    assert "changed while you were working on it" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Referral, referral.id).partner_note != "Changed in a view"

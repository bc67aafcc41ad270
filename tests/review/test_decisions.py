"""Decisions on the referral page: stale versions answer 409, incomplete ones are refused with
the error summary, and nobody but program staff reaches them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from portal import db
from portal.accounts.models import Role
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review import operations
from tests.review.helpers import (
    TODAY, act, act_page, audit_rows, events_of, fresh, queue_rows, review_url, snapshot,
    version_on,
)

DECLINE = {"reason": "duplicate", "declined_by": "program", "note": "Referred twice this week."}


def _us(day) -> str:
    return f"{day.month}/{day.day}/{day.year}"


@pytest.fixture
def held(make, session, officer, casey):
    """A referral under review, claimed by Casey."""
    return make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)


# --- Stale versions -----------------------------------------------------------------------------

def test_a_decision_on_a_stale_page_answers_409_and_keeps_the_newer_state(
        make, session, signed_in, held, casey):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    a, b = signed_in(casey), signed_in(jo)
    page_a, page_b = a.get(review_url(held.id)), b.get(review_url(held.id))
    assert version_on(page_a) == version_on(page_b)

    act(a, held.id, "accept", page=page_a, status=302)
    before = snapshot(session, held.id)
    stale = act_page(b, held.id, "decline", DECLINE, page=page_b)

    assert stale.status == 409
    assert stale.title.startswith("This referral has changed")
    what = " ".join(stale.soup.find(id="what-changed").get_text(" ").split())
    assert f"Referral {held.reference} is now accepted" in what
    assert f"The latest change: accepted by {casey.name}" in what
    assert "Nothing you just sent was saved" in stale.text
    assert stale.soup.find("a", href=review_url(held.id))
    assert snapshot(session, held.id) == before
    row = fresh(session, Referral, held.id)
    assert (row.status, row.decided_by_id, row.decline_reason) == (Status.ACCEPTED, casey.id, None)


def test_every_action_checks_the_version(session, signed_in, held, casey, make):
    """Release, accept, decline, ask and reassign: an old version is refused, nothing written."""
    jo = make.user(Role.COORDINATOR, casey.organisation)
    browser = signed_in(casey)
    data = {"accept": {}, "release": {}, "decline": DECLINE,
            "request-information": {"question": "Which shelter?"},
            "reassign": {"coordinator": str(jo.id), "note": "Over to you"}}
    for action, fields in data.items():
        page = browser.get(review_url(held.id))
        before = snapshot(session, held.id)
        response = act(browser, held.id, action, {**fields, "version": int(version_on(page)) - 1},
                       page=page, status=409)
        assert "changed after you opened it" in response.get_data(as_text=True)
        assert snapshot(session, held.id) == before, action


def test_a_write_landing_between_the_check_and_the_save_answers_409(
        session, signed_in, held, casey, monkeypatch):
    """The version column is the second guard: the UPDATE of a stale row matches nothing
    (StaleDataError), which the page answers like any other stale action."""
    browser = signed_in(casey)
    page = browser.get(review_url(held.id))
    before = snapshot(session, held.id)
    check = operations.check_version

    def overtaken(referral, seen):
        check(referral, seen)
        db.session().execute(text("UPDATE referrals SET version = version + 1 WHERE id = :id"),
                             {"id": referral.id})

    monkeypatch.setattr(operations, "check_version", overtaken)
    response = act(browser, held.id, "accept", page=page, status=409)
    assert "changed after you opened it" in response.get_data(as_text=True)
    assert snapshot(session, held.id) == before


# --- Incomplete decisions -----------------------------------------------------------------------

def _refused(browser, session, referral_id, action, data, *messages):
    before = snapshot(session, referral_id)
    page = act_page(browser, referral_id, action, data)
    assert page.status == 400, action
    assert page.title.startswith("Error: ")
    assert page.errors == list(messages)
    assert snapshot(session, referral_id) == before
    return page


def test_a_decline_needs_a_reason_who_declined_and_a_note(session, signed_in, held, casey):
    browser = signed_in(casey)
    page = _refused(browser, session, held.id, "decline", {}, "Select a reason",
                    "Select who declined", "Enter a note explaining the decision")
    assert page.error_targets() == ["reason-0", "declined_by-0", "decline-note"]
    _refused(browser, session, held.id, "decline", {**DECLINE, "reason": ""}, "Select a reason")
    _refused(browser, session, held.id, "decline", {**DECLINE, "reason": "made_up"},
             "Not a valid choice.")
    _refused(browser, session, held.id, "decline", {**DECLINE, "note": "   "},
             "Enter a note explaining the decision")


def test_a_request_for_information_must_ask_something(session, signed_in, held, casey):
    browser = signed_in(casey)
    page = _refused(browser, session, held.id, "request-information", {"question": " \n "},
                    "Enter what you need from the partner")
    assert page.error_targets() == ["question"]


def test_an_override_needs_its_written_justification(make, session, signed_in, officer, casey):
    """Accepting a referral the screening did not find eligible overrides it: say why."""
    browser = signed_in(casey)
    for screening in ("needs_review", "ineligible"):
        referral = make.referral(by=officer, status=Status.IN_REVIEW, screening=screening,
                                 claimed_by=casey)
        page = _refused(browser, session, referral.id, "accept", {"justification": "  "},
                        "Write why you are accepting a referral the screening did not find "
                        "eligible")
        assert page.error_targets() == ["justification"]
        act(browser, referral.id, "accept", {"justification": "Known to outreach; the charge "
                                             "was misread."}, status=302)
        row = fresh(session, Referral, referral.id)
        assert row.status is Status.ACCEPTED
        assert row.override_justification.startswith("Known to outreach")
        assert "Screening overridden" in browser.get(review_url(referral.id)).text


def test_an_eligible_referral_is_accepted_without_a_justification(session, signed_in, held, casey):
    browser = signed_in(casey)
    page = browser.get(review_url(held.id))
    assert page.soup.find(id="justification") is None, "no override to justify"
    act(browser, held.id, "accept", page=page, status=302)
    row = fresh(session, Referral, held.id)
    assert (row.status, row.override_justification, row.decided_by_id, row.claimed_by_id) == (
        Status.ACCEPTED, None, casey.id, None)
    assert row.decided_at is not None


def test_intake_completed_needs_its_date(make, session, signed_in, officer, casey):
    accepted = make.referral(by=officer, status=Status.ACCEPTED, decider=casey)
    browser = signed_in(casey)
    page = _refused(browser, session, accepted.id, "intake", {"outcome": "completed"},
                    "Enter the date of intake")
    assert page.error_targets() == ["completed_on"]
    _refused(browser, session, accepted.id, "intake", {}, "Select whether intake was completed")
    _refused(browser, session, accepted.id, "intake",
             {"outcome": "completed", "completed_on": _us(TODAY + timedelta(days=1))},
             "The date of intake must be today or in the past")
    act(browser, accepted.id, "intake", {"outcome": "completed", "completed_on": _us(TODAY)},
        status=302)
    row = fresh(session, Referral, accepted.id)
    assert (row.status, row.intake_completed_on) == (Status.INTAKE_COMPLETED, TODAY)
    assert events_of(session, accepted.id)[-1].reason == f"Intake completed on {TODAY}"


def test_a_decision_the_table_does_not_allow_is_refused_in_words(make, session, signed_in, officer,
                                                                 casey):
    """Accepting a referral still waiting for the partner: refused, nothing written."""
    waiting = make.referral(by=officer, status=Status.NEEDS_INFORMATION,
                            claimed_by=casey)
    browser = signed_in(casey)
    _refused(browser, session, waiting.id, "accept", {},
             "A referral that is needs information cannot become accepted")
    _refused(browser, session, waiting.id, "decline", DECLINE,
             "A referral that is needs information cannot become declined")


# --- Who may decide -----------------------------------------------------------------------------

ACTIONS = {"claim": {}, "release": {}, "accept": {"justification": "x"}, "decline": DECLINE,
           "request-information": {"question": "Which shelter?"}, "intake": {"outcome": "missed"},
           "reassign": {"note": "x"}}


@pytest.mark.parametrize("role", [Role.REFERRER, Role.PARTNER_ADMIN])
def test_partners_reach_no_queue_page_and_change_nothing(make, session, signed_in, officer,
                                                          casey, role):
    held = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    accepted = make.referral(by=officer, status=Status.ACCEPTED, decider=casey)
    # The officer's own organisation: the partner can see these referrals on their own pages.
    partner = officer if role is Role.REFERRER else make.user(role, officer.organisation)
    browser = signed_in(partner)
    browser.get("/review/", status=403)
    browser.get(review_url(held.id), status=403)
    token = browser.get("/home").csrf_token()
    before = {i: snapshot(session, i) for i in (held.id, accepted.id)}
    refusals = len(audit_rows(session, "access.refused", user_id=partner.id))
    for action, data in ACTIONS.items():
        for referral in (held, accepted):
            response = browser.raw.post(f"/review/referrals/{referral.id}/{action}", data={
                "csrf_token": token, "version": referral.version, "coordinator": casey.id,
                **data})
            assert response.status_code == 403, (action, response.status_code)
    for path in ("/review/claim-next", f"/review/referrals/{held.id}/notes"):
        response = browser.raw.post(path, data={"csrf_token": token, "body": "x"})
        assert response.status_code == 403, path
    assert {i: snapshot(session, i) for i in (held.id, accepted.id)} == before
    assert len(audit_rows(session, "access.refused", user_id=partner.id)) == refusals + 16


def test_anonymous_visitors_are_sent_to_sign_in(make, client, session, officer, casey):
    held = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    for url in ("/review/", review_url(held.id), "/review/?status=submitted"):
        response = client.raw.get(url)
        assert response.status_code == 302 and response.location.startswith("/sign-in"), url
    before = snapshot(session, held.id)
    for action, data in ACTIONS.items():
        response = client.raw.post(f"/review/referrals/{held.id}/{action}",
                                   data={"version": held.version, **data})
        # Refused before the view runs: by the sign-in redirect, or by the CSRF check.
        assert response.status_code in {302, 400}, action
        assert response.status_code == 400 or response.location.startswith("/sign-in?")
    assert snapshot(session, held.id) == before


def test_program_administrators_decide_too(make, session, signed_in, held, casey):
    admin = make.user(Role.PROGRAM_ADMIN, casey.organisation)
    browser = signed_in(admin)
    assert [r["Reference"] for r in queue_rows(browser.get("/review/"))] == [held.reference]
    act(browser, held.id, "decline", DECLINE, status=302)
    row = fresh(session, Referral, held.id)
    assert (row.status, row.decline_reason, row.declined_by, row.decided_by_id) == (
        Status.DECLINED, "duplicate", "program", admin.id)
    assert row.decision_note == DECLINE["note"]


def test_the_409_page_gives_back_every_box_they_typed_under_its_audience_label(
        make, signed_in, held, casey):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    a, b = signed_in(casey), signed_in(jo)
    page_a, page_b = a.get(review_url(held.id)), b.get(review_url(held.id))
    act(a, held.id, "accept", page=page_a, status=302)
    typed = {**DECLINE, "note": "Seen twice <b>this</b> week\nat the shelter.",
             "message": "Please ask her to call us on Monday."}
    stale = act_page(b, held.id, "decline", typed, page=page_b)
    assert stale.status == 409
    boxes = {box["id"]: box for box in stale.soup.find(id="typed").find_all("textarea")}
    assert set(boxes) == {"typed-note", "typed-message"}
    for name, audience in (("note", "Internal note (program staff only)"),
                           ("message", "Message to the partner (the referring partner will read this)")):
        assert boxes[f"typed-{name}"].has_attr("readonly")
        assert boxes[f"typed-{name}"].get_text().strip() == typed[name]
        assert stale.soup.find("label", attrs={"for": f"typed-{name}"}).get_text() == audience


def test_the_decline_form_offers_only_reasons_that_can_apply(session, signed_in, held, casey):
    browser = signed_in(casey)
    page = browser.get(review_url(held.id))
    offered = [i["value"] for i in page.soup.find_all("input", attrs={"name": "reason"})]
    assert {"prosecutor_objection", "victim_objection", "charges_filed", "outside_jurisdiction",
            "not_amenable", "unable_to_locate", "referred_elsewhere", "consent_revoked"} <= set(offered)
    assert "under_18" not in offered and "no_consent" not in offered
    assert "Charges have already been filed" in page.text
    # A reason that can never apply is refused if sent anyway, and nothing changes.
    _refused(browser, session, held.id, "decline", {**DECLINE, "reason": "under_18"},
             "Not a valid choice.")


def test_a_decline_for_a_reason_new_to_practice_is_kept(session, signed_in, held, casey):
    browser = signed_in(casey)
    act(browser, held.id, "decline", {**DECLINE, "reason": "prosecutor_objection"}, status=302)
    row = fresh(session, Referral, held.id)
    assert (row.status, row.decline_reason) == (Status.DECLINED, "prosecutor_objection")

"""Nothing typed is lost (issue 14): a question page posted with an answer refused, with an
expired page, or after the session timed out, is kept on the draft as posted and shown again by
redirect (so the browser's Back and Reload never post it again); never to anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from portal import db
from portal.accounts.models import OrgKind, Role, UserSession
from portal.referrals import drafts
from tests.referrals import builders
from tests.referrals.helpers import ARREST, answers, page_data, referral

TYPED = {**page_data(ARREST, "arrest"), "arrest_time": "25pm", "incident_number": "24-7777"}


@pytest.fixture
def officer(make, signed_in):
    return signed_in(make.referrer(ARREST))


def arrest_draft(browser) -> int:
    return builders.fill_draft_quickly(browser, ARREST, upto="arrest")


def post(browser, referral_id: int, data: dict, token: str, query: str = ""):
    return browser.raw.post(f"/referrals/{referral_id}/arrest{query}",
                            data={**data, "csrf_token": token})


def test_a_refused_page_is_kept_and_shown_again_by_redirect(officer, session):
    referral_id = arrest_draft(officer)
    token = officer.get(f"/referrals/{referral_id}/arrest").csrf_token()
    response = post(officer, referral_id, TYPED, token, "?return=check")
    assert response.status_code == 303
    assert response.location == f"/referrals/{referral_id}/arrest?return=check"
    assert "arrest" not in answers(session, referral_id), "not saved as an answer"
    kept = referral(session, referral_id).pending["arrest"]
    assert kept["why"] == drafts.REFUSED and kept["form"]["incident_number"] == ["24-7777"]
    assert "csrf_token" not in kept["form"]

    shown = officer.get(response.location)  # a reload of it is this GET again: nothing posted
    assert shown.title.startswith("Error: ")
    assert shown.errors == ["Enter the time of the arrest, like 9:30pm or 21:30"]
    assert shown.value("arrest_time") == "25pm" and shown.value("incident_number") == "24-7777"

    saved = post(officer, referral_id, {**TYPED, "arrest_time": "2145"}, token)
    assert saved.status_code == 302 and saved.location.endswith("/charges")
    row = referral(session, referral_id)
    assert row.answers["arrest"]["arrest_time"] == "2145" and row.pending is None
    assert officer.get(f"/referrals/{referral_id}/arrest").value("arrest_time") == "2145"


def test_an_expired_page_is_kept_with_its_answers(officer, session, app):
    referral_id = arrest_draft(officer)
    token = officer.get(f"/referrals/{referral_id}/arrest").csrf_token()
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token has expired
    try:
        response = post(officer, referral_id, {**TYPED, "arrest_time": "21:45"}, token)
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    assert response.status_code == 303
    assert "arrest" not in answers(session, referral_id)
    shown = officer.get(response.location)
    assert shown.errors == ["This page expired before it was sent. Your answers are kept: check "
                            "them and send again"]
    assert shown.value("arrest_time") == "21:45"


def test_a_forged_token_keeps_nothing(officer, session):
    referral_id = arrest_draft(officer)
    response = post(officer, referral_id, TYPED, "not-a-token-of-ours")
    assert response.status_code == 200  # the page with its errors, as before: nothing kept
    assert referral(session, referral_id).pending is None


def expire(session, user) -> None:
    """The user's session last seen two hours ago: the next request ends it (idle timeout)."""
    session.execute(update(UserSession).where(UserSession.user_id == user.id)
                    .values(last_seen_at=db.utcnow() - timedelta(hours=2)))
    session.commit()


def test_a_page_posted_after_the_session_timed_out_comes_back_after_signing_in(officer,
                                                                              session):
    referral_id = arrest_draft(officer)
    token = officer.get(f"/referrals/{referral_id}/arrest").csrf_token()
    expire(session, officer.user)
    response = post(officer, referral_id, {**TYPED, "arrest_time": "9:45 PM"}, token)
    assert response.status_code == 302
    assert response.location.startswith(f"/sign-in?next=/referrals/{referral_id}/arrest")
    assert "arrest" not in answers(session, referral_id)
    assert referral(session, referral_id).pending["arrest"]["why"] == drafts.SIGNED_OUT

    assert officer.sign_in(officer.user).status_code == 302
    shown = officer.get(f"/referrals/{referral_id}/arrest")
    assert shown.value("arrest_time") == "9:45 PM" and shown.value("incident_number") == "24-7777"
    assert shown.errors[0].startswith("This page expired before it was sent")
    saved = post(officer, referral_id, {**TYPED, "arrest_time": "9:45 PM"}, shown.csrf_token())
    assert saved.status_code == 302
    assert answers(session, referral_id)["arrest"]["arrest_time"] == "9:45 PM"


def test_a_timed_out_post_is_kept_only_for_the_drafts_author(officer, make, signed_in,
                                                            session):
    referral_id = arrest_draft(officer)
    stranger = signed_in(make.user(Role.REFERRER, officer.user.organisation))
    token = stranger.get("/home").csrf_token()
    expire(session, stranger.user)
    response = post(stranger, referral_id, TYPED, token)
    assert response.location.startswith("/sign-in")
    assert referral(session, referral_id).pending is None, "not the author: nothing kept"


def test_a_post_after_signing_out_keeps_nothing(officer, session):
    referral_id = arrest_draft(officer)
    token = officer.get(f"/referrals/{referral_id}/arrest").csrf_token()
    cookie = officer.session_cookie()
    officer.raw.post("/sign-out", data={"csrf_token": token})
    officer.set_session_cookie(cookie)  # the old cookie, replayed
    response = post(officer, referral_id, TYPED, token)
    assert response.location.startswith("/sign-in")
    assert referral(session, referral_id).pending is None


def test_a_submitted_referral_keeps_no_pending_page(make, signed_in, session):
    browser = signed_in(make.user(Role.REFERRER, kind=OrgKind.LAW_ENFORCEMENT))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    token = browser.get(f"/referrals/{referral_id}/person").csrf_token()
    browser.raw.post(f"/referrals/{referral_id}/person", data={"legal_name": "",
                                                                "csrf_token": token})
    assert referral(session, referral_id).pending
    assert browser.submit(f"/referrals/{referral_id}/check", {}).status_code == 302
    assert referral(session, referral_id).pending is None

"""The "After acceptance" section: a case manager (a program user or a named agency, every
assignment kept) and contact attempts, recorded only by whoever is responsible for the referral
(the case manager when a program user, else who accepted it) or a program administrator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.casework.models import CaseManagerAssignment, ContactAttempt
from portal.referrals.states import Status
from tests.casework.helpers import post, post_page, us
from tests.reading import audit_rows, count
from tests.review.helpers import review_url

TODAY = date.today()
ATTEMPT = {"attempted_on": us(TODAY), "method": "phone", "outcome": "left_message",
           "note": "Left a voicemail with the shelter desk."}


@pytest.fixture
def accepted(make, officer, casey):
    return make.referral(by=officer, status=Status.ACCEPTED, decider=casey)


def test_the_coordinator_who_accepted_records_an_attempt_audited_without_its_note(
        session, signed_in, casey, accepted):
    browser = signed_in(casey)
    post(browser, accepted.id, "attempts", ATTEMPT, status=302)
    [attempt] = session.query(ContactAttempt).filter_by(referral_id=accepted.id).all()
    assert (attempt.attempted_on, attempt.method, attempt.outcome, attempt.recorded_by_id) == (
        TODAY, "phone", "left_message", casey.id)
    [row] = audit_rows(session, "casework.contact_attempt_recorded", object_id=str(accepted.id))
    assert row.detail == {"attempted_on": TODAY.isoformat(), "method": "phone",
                          "outcome": "left_message"}
    page = browser.get(review_url(accepted.id))
    shown = page.soup.find(id="contact-attempts").get_text(" ")
    assert "Phone call" in shown and "Left a message" in shown and "shelter desk" in shown


@pytest.mark.parametrize("data, errors", [
    ({}, ["Enter the date of the attempt", "Select how you tried to reach the person",
          "Select what came of the attempt"]),
    ({**ATTEMPT, "attempted_on": us(TODAY + timedelta(days=1))},
     ["The date of the attempt must be today or in the past"]),
    ({**ATTEMPT, "attempted_on": us(TODAY - timedelta(days=1))},
     [f"The date of the attempt must be on or after the day the referral was accepted "
      f"({us(TODAY)})"]),
    ({**ATTEMPT, "attempted_on": "2/30/2026"},
     ["Enter the date of the attempt as a real date, like 3/27/2026"]),
    ({**ATTEMPT, "method": "carrier_pigeon"}, ["Not a valid choice."]),
    ({**ATTEMPT, "note": "x" * 2001}, ["The note must be 2,000 characters or fewer"]),
], ids=["blank", "future", "before-acceptance", "not-a-date", "unknown-method", "long-note"])
def test_bad_attempts_are_refused_in_the_form_with_the_answers_kept(session, signed_in, casey,
                                                                    accepted, data, errors):
    page = post_page(signed_in(casey), accepted.id, "attempts", data, status=400)
    assert page.errors == errors
    assert page.title.startswith("Error: ")
    assert page.soup.select_one("#after-acceptance ~ details[open] #attempt-date") is not None
    if data:
        assert page.value("attempted_on") == data["attempted_on"]
        assert page.value("note") == data["note"]
    assert count(session, ContactAttempt) == 0


def test_another_coordinator_sees_who_is_responsible_and_is_refused(make, session, signed_in,
                                                                    casey, accepted):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    browser = signed_in(jo)
    page = browser.get(review_url(accepted.id))
    assert "Only Casey Holder (or a program administrator)" in \
        page.soup.find(id="casework-held-by").get_text()
    assert page.soup.find(id="attempt-date") is None
    refused = post_page(browser, accepted.id, "attempts", ATTEMPT, status=400)
    assert refused.errors == ["Only Casey Holder (or a program administrator) can record this"]
    assert refused.value("note") == ATTEMPT["note"], "what they typed is given back"
    assert count(session, ContactAttempt) == 0
    assert audit_rows(session, "casework.contact_attempt_recorded") == []


def test_a_program_administrator_may_record(make, session, signed_in, casey, accepted):
    admin = make.user(Role.PROGRAM_ADMIN, casey.organisation, name="Ada Admin")
    post(signed_in(admin), accepted.id, "attempts", ATTEMPT, status=302)
    assert count(session, ContactAttempt, ContactAttempt.recorded_by_id == admin.id) == 1


def test_a_staff_case_manager_becomes_responsible_and_the_history_is_kept(make, session,
                                                                          signed_in, casey,
                                                                          accepted):
    morgan = make.user(Role.COORDINATOR, casey.organisation, name="Morgan Case")
    holder = signed_in(casey)
    post(holder, accepted.id, "case-manager", {"kind": "user", "user": str(morgan.id)},
         status=302)
    [row] = audit_rows(session, "casework.case_manager_assigned", object_id=str(accepted.id))
    assert row.detail == {"user": morgan.id}
    # Casey handed the case on: Morgan records now, Casey no longer may.
    assert post_page(holder, accepted.id, "attempts", ATTEMPT, status=400).errors == [
        "Only Morgan Case (or a program administrator) can record this"]
    manager = signed_in(morgan)
    post(manager, accepted.id, "case-manager",
         {"kind": "agency", "agency": "Harbor Outreach", "contact": "Sam, 303 555 0100"},
         status=302)
    assignments = session.query(CaseManagerAssignment).filter_by(
        referral_id=accepted.id).order_by(CaseManagerAssignment.id).all()
    assert [(a.user_id, a.agency, a.agency_contact) for a in assignments] == [
        (morgan.id, None, None), (None, "Harbor Outreach", "Sam, 303 555 0100")]
    page = manager.get(review_url(accepted.id))
    assert "Harbor Outreach (Sam, 303 555 0100)" in page.soup.find(id="case-manager").get_text()
    assert "Morgan Case" in page.soup.find(id="case-manager-history").get_text()
    # An agency answers for nothing in the portal: the coordinator who accepted it does again.
    post(holder, accepted.id, "attempts", ATTEMPT, status=302)
    detail = audit_rows(session, "casework.case_manager_assigned")[-1].detail
    assert detail == {"agency": True}, "no free text in the audit log"


@pytest.mark.parametrize("data, errors", [
    ({}, ["Select who manages the case"]),
    ({"kind": "user"}, ["Select the program staff member"]),
    ({"kind": "user", "user": "999999"}, ["Select a staff member from the list"]),
    ({"kind": "agency", "contact": "Sam"}, ["Enter the agency's name"]),
    ({"kind": "agency", "agency": "A" * 201}, ["The agency must be 200 characters or fewer"]),
], ids=["blank", "no-user", "unknown-user", "no-agency", "long-agency"])
def test_bad_case_managers_are_refused_in_the_form(session, signed_in, casey, accepted, data,
                                                   errors):
    page = post_page(signed_in(casey), accepted.id, "case-manager", data, status=400)
    assert page.errors == errors
    if "contact" in data:
        assert page.value("contact") == data["contact"]
    assert count(session, CaseManagerAssignment) == 0


def test_a_disabled_coordinator_is_not_offered(make, session, signed_in, casey, accepted):
    gone = make.user(Role.COORDINATOR, casey.organisation, name="Gone Away")
    gone.disabled_at = gone.created_at
    session.commit()
    page = post_page(signed_in(casey), accepted.id, "case-manager",
                     {"kind": "user", "user": str(gone.id)}, status=400)
    assert page.errors == ["Select a staff member from the list"]
    assert "Gone Away" not in page.soup.find(id="case-manager-user").get_text()


def test_a_referral_under_review_has_no_section_and_its_posts_are_refused(make, session,
                                                                         signed_in, casey,
                                                                         officer):
    held = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    browser = signed_in(casey)
    assert browser.get(review_url(held.id)).soup.find(id="after-acceptance") is None
    page = post_page(browser, held.id, "attempts", ATTEMPT, status=400)
    assert page.errors == ["A referral that is in review has no work after acceptance to record"]
    assert count(session, ContactAttempt) == 0


def test_intake_missed_is_still_worked_and_intake_completed_is_read_only(make, signed_in, casey,
                                                                        officer):
    missed = make.referral(by=officer, status=Status.INTAKE_MISSED, decider=casey)
    browser = signed_in(casey)
    post(browser, missed.id, "attempts", ATTEMPT, status=302)
    done = make.referral(by=officer, status=Status.INTAKE_COMPLETED, decider=casey)
    page = browser.get(review_url(done.id))
    assert page.soup.find(id="after-acceptance") is not None
    assert page.soup.find(id="attempt-date") is None
    post(browser, done.id, "attempts", ATTEMPT, status=400)


def test_partners_get_404_audited_and_never_see_the_case_manager(make, session, signed_in,
                                                                  casey, officer, accepted):
    browser = signed_in(officer)
    for url in ("/casework/conference", "/casework/conference.pdf"):
        assert browser.raw.get(url).status_code == 404
    token = browser.get("/referrals/").soup.find("input", attrs={"name": "csrf_token"})["value"]
    for what in ("attempts", "case-manager"):
        response = browser.raw.post(f"/casework/referrals/{accepted.id}/{what}",
                                    data={"csrf_token": token, **ATTEMPT, "kind": "agency",
                                          "agency": "Harbor Outreach"})
        assert response.status_code == 404
    refusals = audit_rows(session, "access.refused", user_id=officer.id)
    assert [(r.object_type, r.detail["endpoint"]) for r in refusals] == [
        ("casework", "casework.conference"), ("casework", "casework.conference_pdf"),
        ("referrals", "casework.record_attempt"), ("referrals", "casework.assign")]
    assert count(session, ContactAttempt) == count(session, CaseManagerAssignment) == 0
    post(signed_in(casey), accepted.id, "case-manager",
         {"kind": "agency", "agency": "Harbor Outreach"}, status=302)
    partner_page = browser.get(f"/referrals/{accepted.id}")
    assert "Harbor Outreach" not in partner_page.text
    # The page says a case manager will call (what happens next), never who it is.
    assert "After acceptance" not in partner_page.text
    assert "contact attempt" not in partner_page.text.lower()

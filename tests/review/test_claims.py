"""Claim, release and reassign: one holder at a time, each written to the audit log and shown in
the referral's history; and every view of the coordinator's referral page is audited."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.accounts.models import Role
from portal.referrals.models import Referral, ReviewNote
from portal.referrals.states import Status
from tests.review.helpers import (
    act, act_page, audit_rows, count, events_of, fresh, queue_rows, review_url, snapshot,
)


def _history(page) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page.soup.select("#history li")]


def _buttons(page) -> list[str]:
    return [b.get_text(" ").strip() for b in page.soup.select(".portal-decisions button")]


def test_claim_release_and_reassign_are_audited_and_shown(make, session, signed_in, officer,
                                                          casey):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    referral = make.referral(by=officer)
    browser = signed_in(casey)
    assert "Claim this referral" in _buttons(browser.get(review_url(referral.id)))

    act(browser, referral.id, "claim", status=302)
    row = fresh(session, Referral, referral.id)
    assert (row.status, row.claimed_by_id) == (Status.IN_REVIEW, casey.id)
    assert row.claimed_at is not None
    [claimed] = audit_rows(session, "referral.claimed", object_id=str(referral.id))
    assert claimed.user_id == casey.id
    submitted, event = events_of(session, referral.id)
    assert submitted.to_status is Status.SUBMITTED
    assert (event.from_status, event.to_status, event.actor_id) == (
        Status.SUBMITTED, Status.IN_REVIEW, casey.id)
    page = browser.get(review_url(referral.id))
    assert f"claimed by {casey.name}" in page.text
    assert any(f"Submitted → In review by {casey.name}" in line for line in _history(page))
    assert any(line.endswith(f"Claimed by {casey.name}") for line in _history(page))
    assert "Claim this referral" not in _buttons(page)

    act(browser, referral.id, "release", status=302)
    row = fresh(session, Referral, referral.id)
    assert (row.status, row.claimed_by_id, row.claimed_at) == (Status.IN_REVIEW, None, None)
    [released] = audit_rows(session, "referral.released", object_id=str(referral.id))
    assert released.user_id == casey.id
    page = browser.get(review_url(referral.id))
    assert "unclaimed" in page.soup.find(id="status").parent.get_text()
    assert any(line.endswith(f"Released to the queue by {casey.name}")
               for line in _history(page))
    unclaimed = browser.get("/review/?claimed=unclaimed")
    assert [(r["Reference"], r["Claimed by"]) for r in queue_rows(unclaimed)] == [
        (referral.reference, "Unclaimed")]

    act(browser, referral.id, "claim", status=302)  # in review already: no transition this time
    assert len(events_of(session, referral.id)) == 2, "the submission's and the first claim's"
    assert len(audit_rows(session, "referral.claimed", object_id=str(referral.id))) == 2

    refused = act_page(browser, referral.id, "reassign", {"coordinator": str(jo.id), "note": ""})
    assert refused.status == 400 and refused.title.startswith("Error: ")
    assert refused.errors == ["Enter a note for the coordinator"]
    assert refused.error_targets() == ["reassign-note"]
    assert fresh(session, Referral, referral.id).claimed_by_id == casey.id

    act(browser, referral.id, "reassign", {"coordinator": str(jo.id),
                                           "note": "You know this person"}, status=302)
    row = fresh(session, Referral, referral.id)
    assert row.claimed_by_id == jo.id
    [reassigned] = audit_rows(session, "referral.reassigned", object_id=str(referral.id))
    assert (reassigned.user_id, reassigned.detail) == (casey.id, {"to": jo.id})
    [note] = session.query(ReviewNote).filter_by(referral_id=referral.id).all()
    assert (note.author_id, note.body) == (casey.id, "Reassigned to Jo Ramos: You know this person")
    page = browser.get(review_url(referral.id))
    assert "claimed by Jo Ramos" in page.text
    assert any(line.endswith(f"Reassigned to Jo Ramos by {casey.name}") for line in _history(page))
    assert f"{casey.name}, " in page.soup.find(id="notes").find_next("p").get_text()
    # Only the holder releases; Jo now holds it.
    assert "Release it to the queue" not in _buttons(page)
    before = snapshot(session, referral.id)
    refused = act_page(browser, referral.id, "release")
    assert refused.status == 400 and refused.title.startswith("Error: ")
    assert refused.errors == ["Only Jo Ramos (or a program administrator) can do that: ask a program "
                              "administrator to reassign it to you"]
    assert snapshot(session, referral.id) == before


def test_a_claimed_referral_cannot_be_claimed_by_another(make, session, signed_in, officer, casey):
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=jo)
    browser = signed_in(casey)
    page = browser.get(review_url(referral.id))
    assert "Claim this referral" not in _buttons(page)
    before = snapshot(session, referral.id)
    refused = act_page(browser, referral.id, "claim", page=page)
    assert refused.status == 400
    assert refused.errors == ["Jo Ramos is already working on this referral"]
    assert snapshot(session, referral.id) == before


def test_reassigning_only_to_an_active_coordinator(make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    gone = make.user(Role.COORDINATOR, casey.organisation, disabled_at=datetime.now(UTC))
    browser = signed_in(casey)
    page = browser.get(review_url(referral.id))
    choices = [o["value"] for o in page.soup.select("select[name=coordinator] option")]
    assert str(casey.id) in choices and str(gone.id) not in choices
    assert str(officer.id) not in choices
    for who in (gone, officer):
        refused = act_page(browser, referral.id, "reassign", {"coordinator": str(who.id),
                                                              "note": "x"})
        assert refused.status == 400
        assert refused.errors == ["Not a valid choice."]
    assert fresh(session, Referral, referral.id).claimed_by_id == casey.id


def test_viewing_the_referral_page_is_audited(make, session, signed_in, officer, casey):
    referral = make.referral(by=officer)
    browser = signed_in(casey)
    browser.get(review_url(referral.id))
    browser.get(review_url(referral.id))
    views = audit_rows(session, "referral.viewed", object_id=str(referral.id))
    assert [(v.user_id, v.object_type, v.outcome) for v in views] == [
        (casey.id, "referrals", "success")] * 2
    browser.get("/review/")
    assert len(audit_rows(session, "referral.viewed", object_id=str(referral.id))) == 2, \
        "the queue lists; it does not open"


def test_a_draft_is_not_found_by_staff(make, session, signed_in, officer, casey):
    draft = make.referral(status=Status.DRAFT, by=officer, pages=())
    browser = signed_in(casey)
    browser.get(review_url(draft.id), status=404)
    browser.get(review_url(draft.id + 1000), status=404)
    assert count(session, Referral) == 1


def test_a_working_note_is_added_and_a_blank_one_refused(make, session, signed_in, officer,
                                                        casey):
    referral = make.referral(by=officer)
    browser = signed_in(casey)
    url = f"/review/referrals/{referral.id}/notes"
    refused = browser.submit_page(url, {"body": "  \n "}, form_url=review_url(referral.id))
    assert refused.status == 400 and refused.title.startswith("Error: ")
    assert refused.errors == ["Enter the note"] and refused.error_targets() == ["body"]
    assert count(session, ReviewNote) == 0
    response = browser.submit(url, {"body": "Called the shelter."}, form_url=review_url(referral.id),
                              status=302)
    assert response.location == f"{review_url(referral.id)}#notes"
    [note] = session.query(ReviewNote).all()
    assert (note.author_id, note.body) == (casey.id, "Called the shelter.")
    assert "Called the shelter." in browser.get(review_url(referral.id)).text
    assert audit_rows(session, "referral.note_added", object_id=str(referral.id))

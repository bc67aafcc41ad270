"""The "needs information" round trip, through the pages: the coordinator asks, the partner
answers on their referral page, and the referral is back in review with both versions kept."""

from __future__ import annotations

from sqlalchemy import select

from portal.referrals.models import InformationRequest, Referral, ReferralVersion
from portal.referrals.states import Status
from tests.review.helpers import act, audit_rows, events_of, fresh, queue_rows, review_url

QUESTION = "Which shelter is the person staying at this week?"
ANSWER = "Harbor Light, bed 12, until Friday."


def test_the_coordinator_asks_the_partner_answers_and_both_versions_are_kept(
        make, session, signed_in, officer, casey):
    partner = signed_in(officer)
    sent = make.referral(by=officer)
    referral_id, reference = sent.id, sent.reference
    coordinator = signed_in(casey)

    act(coordinator, referral_id, "claim", status=302)
    act(coordinator, referral_id, "request-information", {"question": QUESTION}, status=302)
    row = fresh(session, Referral, referral_id)
    assert (row.status, row.claimed_by_id) == (Status.NEEDS_INFORMATION, casey.id)
    [asked] = session.scalars(select(InformationRequest).where(
        InformationRequest.referral_id == referral_id)).all()
    assert (asked.question, asked.asked_by_id, asked.answer) == (QUESTION, casey.id, None)
    page = coordinator.get(review_url(referral_id))
    assert "Waiting for the partner’s answer." in page.text
    assert f"{QUESTION}" in page.text and "Not answered yet" in page.text
    assert [r["Status"] for r in queue_rows(coordinator.get("/review/?status=needs_information"))
            ] == ["Needs information"]

    mine = partner.get(f"/referrals/{referral_id}")
    assert mine.soup.find(id="status").get_text() == "Needs information"
    assert mine.soup.find(id="question").get_text().strip() == QUESTION
    empty = partner.submit_page(f"/referrals/{referral_id}/answer", {"answer": ""},
                                form_url=f"/referrals/{referral_id}")
    assert empty.errors == ["Enter your answer"] and empty.title.startswith("Error: ")
    assert fresh(session, Referral, referral_id).status is Status.NEEDS_INFORMATION
    response = partner.submit(f"/referrals/{referral_id}/answer", {"answer": ANSWER},
                              form_url=f"/referrals/{referral_id}", status=302)
    assert response.location == f"/referrals/{referral_id}"
    after = partner.get(response.location)
    assert after.soup.find(id="status").get_text() == "In review"
    assert after.soup.find(id="question") is None and ANSWER in after.text

    row = fresh(session, Referral, referral_id)
    assert (row.status, row.claimed_by_id) == (Status.IN_REVIEW, casey.id)
    versions = session.scalars(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral_id).order_by(ReferralVersion.number)).all()
    assert [(v.number, v.created_by_id) for v in versions] == [(1, officer.id), (2, officer.id)]
    assert "information" not in versions[0].answers
    assert versions[1].answers["information"] == [{"question": QUESTION, "answer": ANSWER}]
    assert {k: v for k, v in versions[1].answers.items() if k != "information"} == \
        versions[0].answers
    assert [(e.from_status, e.to_status, e.actor_id) for e in events_of(session, referral_id)] == [
        (Status.DRAFT, Status.SUBMITTED, officer.id),
        (Status.SUBMITTED, Status.IN_REVIEW, casey.id),
        (Status.IN_REVIEW, Status.NEEDS_INFORMATION, casey.id),
        (Status.NEEDS_INFORMATION, Status.IN_REVIEW, officer.id)]
    assert events_of(session, referral_id)[2].partner_message == QUESTION
    assert audit_rows(session, "referral.needs_information", object_id=str(referral_id))
    assert audit_rows(session, "referral.in_review", user_id=officer.id)

    page = coordinator.get(review_url(referral_id))
    assert page.soup.find(id="status").get_text() == "In review"
    assert ANSWER in page.text and "Not answered yet" not in page.text
    assert reference in page.title
    # Back in review: the coordinator may decide now.
    act(coordinator, referral_id, "accept", page=page, status=302)
    assert fresh(session, Referral, referral_id).status is Status.ACCEPTED

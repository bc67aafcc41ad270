"""Corrections on the round trip (issue 12, item 5): the coordinator ticks pages when asking for
information, the partner corrects just those pages, and the reply keeps version and screening
n+1 beside version and screening n; the coordinator sees both side by side."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import OrgKind, Role
from portal.referrals import corrections, steps
from portal.referrals.answers import ARREST, SOCIAL
from portal.referrals.models import InformationRequest, Referral, ReferralVersion, Screening
from portal.referrals.states import Status
from portal.reports.cells import differences
from portal.reports.models import ReferralCharge
from tests.reading import audit_rows, count
from tests.review.helpers import act, act_page, fresh, review_url

QUESTION = "Please check the treatment court answer with the person."
ANSWER = "Checked with the person: no treatment court case."
TREATMENT_COURT = "Does the person have a case in a treatment court program?"


def correct_url(referral_id: int, slug: str) -> str:
    return f"/referrals/{referral_id}/correct/{slug}"


def show_url(referral_id: int) -> str:
    return f"/referrals/{referral_id}"


@pytest.fixture
def asked(make, session, signed_in, officer, casey):
    """A needs-review referral (treatment court "unknown") and the coordinator's question, with
    the exclusions, person and about-the-person pages ticked. Returns (partner, coordinator, id)."""
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                             screening="needs_review")
    partner, coordinator = signed_in(officer), signed_in(casey)
    act(coordinator, referral.id, "request-information",
        {"question": QUESTION, "pages": ["exclusions", "person", "about"]}, status=302)
    return partner, coordinator, referral.id


def request_of(session, referral_id: int) -> InformationRequest:
    session.expire_all()
    return session.scalars(select(InformationRequest).where(
        InformationRequest.referral_id == referral_id)).one()


def versions_of(session, referral_id: int) -> list[ReferralVersion]:
    return list(session.scalars(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral_id).order_by(ReferralVersion.number)))


def screenings_of(session, referral_id: int) -> list[Screening]:
    return list(session.scalars(select(Screening).where(
        Screening.referral_id == referral_id).order_by(Screening.id)))


# --- which pages --------------------------------------------------------------------------------

@pytest.mark.parametrize("route", [ARREST, SOCIAL])
def test_every_page_of_the_route_but_the_consent_can_be_ticked(route):
    offered = [step.slug for step in corrections.correctable_steps(route)]
    assert offered == [s.slug for s in steps.steps_for(route) if s.slug != "consent"]
    assert "consent" not in offered and len(offered) >= 6


def test_a_ticked_page_the_route_no_longer_has_is_dropped(make, officer):
    referral = make.referral(by=officer, status=Status.IN_REVIEW)
    request = InformationRequest(question="?", pages=["relationship", "person", "merged_away"])
    assert [s.slug for s in corrections.ticked_steps(referral, request)] == ["person"]


def test_the_ask_form_offers_the_referrals_own_pages(make, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    page = signed_in(casey).get(review_url(referral.id))
    boxes = page.soup.select("input[name='pages']")
    assert [b["value"] for b in boxes] == [s.slug for s in corrections.correctable_steps(ARREST)]
    labels = [page.soup.find("label", attrs={"for": b["id"]}).get_text() for b in boxes]
    assert "The arrest" in labels and steps.BY_SLUG["consent"].title not in labels
    assert len(labels) == len(steps.steps_for(ARREST)) - 1
    assert "the referring partner will see which" in page.text


def test_a_page_the_referral_does_not_have_is_refused_and_nothing_is_asked(
        make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    for pages in (["consent"], ["relationship"]):
        page = act_page(signed_in(casey), referral.id, "request-information",
                        {"question": QUESTION, "pages": pages}, status=400)
        assert page.errors == ["Tick only pages of this referral"]
        assert page.soup.find("textarea", attrs={"name": "question"}).get_text().strip() == \
            QUESTION
    assert fresh(session, Referral, referral.id).status is Status.IN_REVIEW
    assert count(session, InformationRequest, InformationRequest.referral_id == referral.id) == 0


# --- the partner corrects, then replies -----------------------------------------------------------

def test_a_corrected_page_is_screened_again_beside_the_old_screening(session, asked, officer):
    partner, coordinator, referral_id = asked
    request = request_of(session, referral_id)
    assert request.ticked == ("exclusions", "person", "about") and not request.corrected

    mine = partner.get(show_url(referral_id))
    links = [a["href"] for a in mine.soup.select("#pages-to-correct a")]
    assert links == [correct_url(referral_id, s) for s in ("person", "about", "exclusions")]
    assert "a page you leave as it is is sent as it was" in mine.text

    form = partner.get(correct_url(referral_id, "exclusions"))
    assert form.soup.find("h1").get_text() == "Correct: Treatment court and orders"
    checked = form.soup.select_one("input[name='treatment_court'][checked]")
    assert checked["value"] == "unknown"  # filled in as submitted
    saved = partner.submit(correct_url(referral_id, "exclusions"),
                           {"treatment_court": "none", "protective_order": "no"}, status=302)
    assert saved.location == show_url(referral_id) + "#reply"
    # Held on the request: the referral's answers and screening wait for the reply.
    assert request_of(session, referral_id).corrected == {
        "exclusions": {"treatment_court": "none", "protective_order": "no"}}
    row = fresh(session, Referral, referral_id)
    assert row.answers["exclusions"]["treatment_court"] == "unknown"
    assert row.screening_decision == "needs_review"
    again = partner.get(correct_url(referral_id, "exclusions"))
    assert again.soup.select_one("input[name='treatment_court'][checked]")["value"] == "none"
    listed = [li.get_text(" ", strip=True) for li in
              partner.get(show_url(referral_id)).soup.select("#pages-to-correct li")]
    assert listed == ["The person : not changed", "About the person : not changed",
                      "Treatment court and orders : corrected, to be sent with your answer"]

    partner.submit(f"/referrals/{referral_id}/answer", {"answer": ANSWER},
                   form_url=show_url(referral_id), status=302)
    row = fresh(session, Referral, referral_id)
    assert (row.status, row.screening_decision) == (Status.IN_REVIEW, "eligible")
    assert row.answers["exclusions"]["treatment_court"] == "none"
    first, second = versions_of(session, referral_id)
    assert (first.number, second.number, second.created_by_id) == (1, 2, officer.id)
    assert first.answers["exclusions"]["treatment_court"] == "unknown"  # kept as it was
    assert second.answers["exclusions"]["treatment_court"] == "none"
    assert second.answers["person"] == first.answers["person"]  # ticked, left as it was
    old, new = screenings_of(session, referral_id)
    assert [(s.version_number, s.decision) for s in (old, new)] == [
        (1, "needs_review"), (2, "eligible")]
    assert new.screened_on == date.today() and new.facts["treatment_court_case"] == "none"
    [corrected] = audit_rows(session, "referral.corrected", object_id=str(referral_id))
    assert corrected.detail == {"version": 2, "pages": ["exclusions"], "screening": "eligible"}
    assert [r.detail for r in audit_rows(session, "referral.correction_saved")] == [
        {"page": "exclusions"}]
    # Shown three times: opened, read again for its token before saving, and opened after.
    assert [r.detail for r in audit_rows(session, "referral.correction_viewed")] == [
        {"page": "exclusions"}] * 3
    # The pages are closed again with the question.
    partner.get(correct_url(referral_id, "exclusions"), status=404)

    page = coordinator.get(review_url(referral_id))
    versions = page.soup.find(id="versions")
    assert versions.find("h2").get_text() == "Answers and screening, version 1 and version 2"
    decision = [c.get_text(" ", strip=True) for c in page.soup.select("#versions-decision > *")]
    assert decision == ["Decision", "Needs review", "Eligible", "Changed"]
    rows = {r.th.get_text(): [c.get_text(" ", strip=True) for c in r.find_all("td")]
            for r in versions.select("tbody tr") if r.th and r.th.get("scope") == "row"}
    assert rows[TREATMENT_COURT] == ["Not known", "No", "Changed"]
    assert rows["Legal name"] == ["José O'Neil", "José O'Neil", "Same"]
    assert "1 answer changed; the screening changed" in page.soup.find(id="versions-summary").text


def test_a_page_posted_with_errors_keeps_the_answers_and_stores_nothing(session, asked):
    partner, _, referral_id = asked
    page = partner.submit_page(correct_url(referral_id, "exclusions"),
                               {"protective_order": "yes"})
    assert page.status == 200 and page.title.startswith("Error: ")
    assert page.errors == ["Select whether the person has a treatment court case"]
    assert page.soup.select_one("input[name='protective_order'][checked]")["value"] == "yes"
    assert request_of(session, referral_id).corrected == {}


def test_a_legal_name_the_signature_no_longer_matches_is_refused(session, asked):
    partner, _, referral_id = asked
    person = {"legal_name": "Joseph Smith", "date_of_birth-month": "3",
              "date_of_birth-day": "7", "date_of_birth-year": "1990", "language": "en"}
    page = partner.submit_page(correct_url(referral_id, "person"), person)
    assert page.status == 200
    [message] = page.errors
    assert message.startswith("The person signed their consent as “José O'Neil”")
    assert page.value("legal_name") == "Joseph Smith"
    assert request_of(session, referral_id).corrected == {}


def test_a_corrected_date_of_birth_and_demographics_reach_the_columns(session, asked):
    partner, _, referral_id = asked
    before = fresh(session, Referral, referral_id)
    charges_before = count(session, ReferralCharge, ReferralCharge.referral_id == referral_id)
    assert before.race_group == "prefer_not" and charges_before == 2
    person = {"legal_name": "jose o'neil", "other_names": "Pepe", "date_of_birth-month": "3",
              "date_of_birth-day": "17", "date_of_birth-year": "1990", "language": "en"}
    partner.submit(correct_url(referral_id, "person"), person, status=302)
    partner.submit(correct_url(referral_id, "about"),
                   {"housing": "unsheltered", "needs": ["substance_use", "housing"],
                    "race": ["black"], "ethnicity": "not_hispanic", "gender": "man"}, status=302)
    partner.submit(f"/referrals/{referral_id}/answer", {"answer": ANSWER},
                   form_url=show_url(referral_id), status=302)
    row = fresh(session, Referral, referral_id)
    assert (row.legal_name, row.date_of_birth) == ("jose o'neil", date(1990, 3, 17))
    assert (row.race_group, row.ethnicity) == ("black", "not_hispanic")
    assert "pepe" in row.search_names
    # The charges were not corrected: counted once, with the corrected group.
    charges = session.scalars(select(ReferralCharge).where(
        ReferralCharge.referral_id == referral_id)).all()
    assert len(charges) == 2 and {c.race_group for c in charges} == {"black"}
    assert [s.version_number for s in screenings_of(session, referral_id)] == [1, 2]
    assert differences(session) == {}, "the report's cells count the corrected groups, once"


# --- who may correct what -------------------------------------------------------------------------

def test_only_ticked_pages_open(asked):
    partner, _, referral_id = asked
    for slug in ("consent", "charges", "arrest", "nothing"):
        partner.get(correct_url(referral_id, slug), status=404)
    partner.submit(correct_url(referral_id, "charges"), {"charges": ["trespassing"]},
                   form_url=show_url(referral_id), status=404)


def test_only_the_referring_organization_corrects(make, session, signed_in, asked, officer):
    _, coordinator, referral_id = asked
    colleague_admin = make.user(Role.PARTNER_ADMIN, officer.organisation)
    signed_in(colleague_admin).get(correct_url(referral_id, "exclusions"))
    stranger = make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT))
    signed_in(stranger).get(correct_url(referral_id, "exclusions"), status=404)
    coordinator.get(correct_url(referral_id, "exclusions"), status=403)
    assert audit_rows(session, "access.refused", user_id=stranger.id)


def test_no_page_opens_without_an_open_question(make, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    signed_in(officer).get(correct_url(referral.id, "exclusions"), status=404)


@pytest.mark.parametrize("route", [ARREST, SOCIAL])
def test_every_page_that_can_be_ticked_opens_on_its_own_form(make, session, signed_in, casey,
                                                             route):
    referral = make.referral(route, status=Status.IN_REVIEW, claimed_by=casey)
    pages = [step.slug for step in corrections.correctable_steps(route)]
    act(signed_in(casey), referral.id, "request-information",
        {"question": QUESTION, "pages": pages}, status=302)
    partner = signed_in(referral.referrer)
    for step in corrections.correctable_steps(route):
        page = partner.get(correct_url(referral.id, step.slug))
        assert page.soup.find("h1").get_text() == f"Correct: {step.title}"
        assert page.soup.find("button", string="Save the correction") is not None
        back = page.soup.select_one(".portal-back a")["href"]
        assert back == show_url(referral.id) + "#reply"  # back to the question, not the steps
    partner.get(correct_url(referral.id, "consent"), status=404)


def test_with_pages_replaces_only_known_pages():
    from portal.referrals.answers import Answers

    stored = {"person": {"legal_name": "A"}, "exclusions": {"treatment_court": "unknown"},
              "information": [{"question": "q", "answer": "a"}]}
    answers = Answers.parse(ARREST, stored)
    changed = answers.with_pages({"exclusions": {"treatment_court": "none"},
                                  "not_a_page": {"x": 1}})
    assert changed == {**stored, "exclusions": {"treatment_court": "none"}}
    assert stored["exclusions"] == {"treatment_court": "unknown"}  # a new mapping, not in place


def test_a_question_without_pages_keeps_its_screening_and_says_so(
        make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    coordinator, partner = signed_in(casey), signed_in(officer)
    act(coordinator, referral.id, "request-information", {"question": QUESTION}, status=302)
    assert request_of(session, referral.id).ticked == ()
    assert partner.get(show_url(referral.id)).soup.find(id="pages-to-correct") is None
    partner.submit(f"/referrals/{referral.id}/answer", {"answer": ANSWER},
                   form_url=show_url(referral.id), status=302)
    assert [s.version_number for s in screenings_of(session, referral.id)] == [1]
    page = coordinator.get(review_url(referral.id))
    assert "No answer changed; the screening did not change" in page.soup.find(
        id="versions-summary").text
    assert "this version was not screened again" in page.soup.find(id="versions-rules").text

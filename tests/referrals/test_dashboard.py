"""The partner's dashboard and referral page: drafts resumed or discarded, withdrawal before a
decision, and the "needs information" round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import InformationRequest, ReferralEvent, ReferralVersion
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    audit_rows,
    count,
    referral,
    snapshot,
)

QUESTION = "What is the person's phone?"
BEFORE_PERSON, BEFORE_CHARGES = ("referrer", "arrest", "charges"), ("referrer", "arrest")


@pytest.fixture
def organisation(make):
    return make.org(OrgKind.LAW_ENFORCEMENT)


@pytest.fixture
def officer(make, organisation):
    return make.user(Role.REFERRER, organisation, name="Officer Dana Reyes")


@pytest.fixture
def desk(signed_in, officer):
    """The officer's browser."""
    return signed_in(officer)


def dashboard_rows(page) -> list[dict[str, str]]:
    rows = []
    for tr in page.soup.select("tbody tr"):
        cells = {cell["data-label"]: cell.get_text(" ").strip()
                 for cell in tr.find_all(["th", "td"])}
        cells["link"] = tr.find("a")["href"]
        rows.append(cells)
    return rows


# --- The dashboard -------------------------------------------------------------------------------

def test_referrers_see_their_own_and_administrators_their_organisations(
        make, signed_in, organisation, officer, desk):
    sent = make.referral(by=officer)
    sent, reference = sent.id, sent.reference
    draft = make.referral(by=officer, status=Status.DRAFT, pages=BEFORE_PERSON).id
    colleague = make.user(Role.REFERRER, organisation)
    colleague_browser = signed_in(colleague)
    colleagues_draft = make.referral(by=colleague, status=Status.DRAFT, pages=BEFORE_CHARGES).id
    make.referral(status=Status.DRAFT, pages=BEFORE_CHARGES)  # another organisation's

    mine = dashboard_rows(desk.get("/referrals/"))
    assert {row["link"] for row in mine} == {f"/referrals/{sent}", f"/referrals/{draft}"}
    by_link = {row["link"]: row for row in mine}
    assert by_link[f"/referrals/{sent}"]["Status"] == "Submitted"
    assert by_link[f"/referrals/{sent}"]["Reference"] == reference
    assert by_link[f"/referrals/{sent}"]["Action"].startswith("View")
    assert by_link[f"/referrals/{draft}"]["Status"] == "Draft"
    assert by_link[f"/referrals/{draft}"]["Person"] == "Not entered yet"
    assert by_link[f"/referrals/{draft}"]["Action"].startswith("Continue")

    assert [r["link"] for r in dashboard_rows(colleague_browser.get("/referrals/"))] == \
        [f"/referrals/{colleagues_draft}"]

    admin = signed_in(make.user(Role.PARTNER_ADMIN, organisation))
    page = admin.get("/referrals/")
    assert page.soup.find("h1").get_text().strip() == f"{organisation.name}’s referrals"
    listed = {row["link"]: row for row in dashboard_rows(page)}
    assert set(listed) == {f"/referrals/{i}" for i in (sent, draft, colleagues_draft)}
    assert all(row["Action"].startswith("View") for row in listed.values()), \
        "an administrator views the drafts of others; only their author continues them"


def test_every_status_is_shown_on_its_row(make, desk, officer):
    made = {}
    for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFORMATION,
                   Status.ACCEPTED, Status.WITHDRAWN):
        made[make.referral(by=officer, status=status).id] = status
    shown = {row["link"]: row["Status"] for row in dashboard_rows(desk.get("/referrals/"))}
    assert shown == {f"/referrals/{i}": status.label for i, status in made.items()}


# --- Drafts: discard -----------------------------------------------------------------------------

def test_a_draft_can_be_discarded(desk, officer, session):
    referral_id = builders.fill_draft_quickly(desk, ARREST, upto="person")
    response = desk.submit(f"/referrals/{referral_id}/discard", {},
                              form_url=f"/referrals/{referral_id}/check")
    assert response.status_code == 302 and response.location == "/referrals/"
    assert referral(session, referral_id) is None
    [row] = audit_rows(session, "referral.draft_discarded", object_id=str(referral_id))
    assert row.user_id == officer.id
    page = desk.get("/referrals/")
    assert "The draft has been discarded." in page.text
    assert "No referrals yet" in page.text
    desk.get(f"/referrals/{referral_id}", status=404)


def test_a_submitted_referral_cannot_be_discarded(make, desk, officer, session):
    referral_id = make.referral(by=officer).id
    before = snapshot(session, referral_id)
    response = desk.submit(f"/referrals/{referral_id}/discard", {},
                              form_url=f"/referrals/{referral_id}")
    assert response.status_code == 404
    assert snapshot(session, referral_id) == before


# --- Withdrawal ----------------------------------------------------------------------------------

def withdraw(desk, referral_id: int, reason: str):
    return desk.submit(f"/referrals/{referral_id}/withdraw", {"reason": reason},
                          form_url=f"/referrals/{referral_id}")


def test_a_submitted_referral_is_withdrawn_with_a_reason(make, desk, officer, session):
    referral_id = make.referral(by=officer).id
    page = desk.get(f"/referrals/{referral_id}")
    assert page.soup.find(id="status").get_text() == "Submitted"
    assert page.soup.find("button", string="Withdraw the referral")

    page = desk.submit_page(f"/referrals/{referral_id}/withdraw", {"reason": "   "},
                               form_url=f"/referrals/{referral_id}")
    assert page.status == 200
    assert page.errors == ["Enter why the referral is being withdrawn"]
    assert page.error_targets() == ["reason"]
    assert referral(session, referral_id).status is Status.SUBMITTED

    response = withdraw(desk, referral_id, "The person moved to another city")
    assert response.status_code == 302 and response.location == f"/referrals/{referral_id}"
    row = referral(session, referral_id)
    assert row.status is Status.WITHDRAWN
    event = row.events[-1]
    assert (event.from_status, event.to_status, event.partner_message, event.actor_id) == \
        (Status.SUBMITTED, Status.WITHDRAWN, "The person moved to another city", officer.id)
    assert audit_rows(session, "referral.withdrawn", object_id=str(referral_id))
    page = desk.get(f"/referrals/{referral_id}")
    assert "The referral has been withdrawn." in page.text
    assert page.soup.find(id="status").get_text() == "Withdrawn"
    assert "The person moved to another city" in page.soup.find(id="history").get_text()
    assert not page.soup.find("button", string="Withdraw the referral")


def test_a_referral_in_review_can_be_withdrawn(make, desk, officer, session):
    referral_id = make.referral(by=officer, status=Status.IN_REVIEW).id
    withdraw(desk, referral_id, "Referred twice")
    assert referral(session, referral_id).status is Status.WITHDRAWN


def test_an_accepted_referral_cannot_be_withdrawn(make, desk, officer, session):
    referral_id = make.referral(by=officer, status=Status.ACCEPTED).id
    page = desk.get(f"/referrals/{referral_id}")
    assert not page.soup.find("button", string="Withdraw the referral")
    events = count(session, ReferralEvent, ReferralEvent.referral_id == referral_id)

    for reason in ("Changed their mind", ""):  # with or without a reason: no form to correct
        response = withdraw(desk, referral_id, reason)
        assert response.status_code == 302
        assert response.location == f"/referrals/{referral_id}"
        assert referral(session, referral_id).status is Status.ACCEPTED
        assert count(session, ReferralEvent, ReferralEvent.referral_id == referral_id) == events
        page = desk.get(f"/referrals/{referral_id}")
        assert "A referral that is accepted cannot be withdrawn." in page.text


# --- Needs information ---------------------------------------------------------------------------

def test_the_needs_information_round_trip(make, desk, officer, session):
    referral_id = make.referral(by=officer, status=Status.NEEDS_INFORMATION, question=QUESTION).id
    [first] = session.scalars(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral_id)).all()
    first_answers = dict(first.answers)

    page = desk.get(f"/referrals/{referral_id}")
    assert page.soup.find(id="status").get_text() == "Needs information"
    assert page.soup.find(id="question").get_text().strip() == QUESTION
    assert "What is the person's phone?" in page.soup.find(id="question-heading") \
        .find_parent("section").get_text()

    url = f"/referrals/{referral_id}/answer"
    page = desk.submit_page(url, {"answer": ""}, form_url=f"/referrals/{referral_id}")
    assert page.status == 200
    assert page.errors == ["Enter your answer"]
    assert page.error_targets() == ["answer"]
    assert referral(session, referral_id).status is Status.NEEDS_INFORMATION

    response = desk.submit(url, {"answer": "303 555 0199, evenings"},
                              form_url=f"/referrals/{referral_id}")
    assert response.status_code == 302 and response.location == f"/referrals/{referral_id}"
    row = referral(session, referral_id)
    assert row.status is Status.IN_REVIEW
    request = session.scalar(select(InformationRequest).where(
        InformationRequest.referral_id == referral_id))
    assert (request.answer, request.answered_by_id) == ("303 555 0199, evenings", officer.id)
    assert request.answered_at is not None

    versions = session.scalars(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral_id).order_by(ReferralVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].answers == first_answers, "the earlier version is kept as it was"
    assert "information" not in versions[0].answers
    assert versions[1].answers["information"] == [{"question": QUESTION,
                                                   "answer": "303 555 0199, evenings"}]
    assert row.events[-1].to_status is Status.IN_REVIEW and row.events[-1].actor_id == officer.id

    page = desk.get(f"/referrals/{referral_id}")
    assert "Your answer has been sent" in page.text
    assert page.soup.find(id="question") is None, "nothing left to answer"
    assert "303 555 0199, evenings" in page.text

    again = desk.submit(url, {"answer": "again"}, form_url=f"/referrals/{referral_id}")
    assert again.status_code == 302
    assert count(session, ReferralVersion, ReferralVersion.referral_id == referral_id) == 2
    assert "There is no open question" in desk.get(f"/referrals/{referral_id}").text

"""The home page leads with "What needs you": a partner's questions waiting and decisions since
they last looked (their own organization's referrals only, reference and status only); a
coordinator's referrals held, partner replies not yet opened, and intake deadlines this week."""

from __future__ import annotations

from datetime import date, timedelta

from portal.accounts.models import OrgKind, Role
from portal.referrals.states import Status
from tests.review.helpers import act, review_url

LEGAL_NAME = "Quincy Lattimore"


def _section(page, key: str) -> dict:
    """The section's heading, its links (reference -> href) and its text."""
    found = page.soup.find(id=f"needs-you-{key}")
    assert found is not None, f"no section {key}"
    links = {a.get_text(): a["href"] for a in found.select("li a")}
    return {"heading": found.h3.get_text(" ", strip=True), "links": links,
            "text": " ".join(found.get_text(" ").split())}


def test_a_referrer_sees_questions_waiting_and_decisions_since_they_last_looked(
        make, signed_in, officer, casey):
    asked = make.referral(by=officer, status=Status.NEEDS_INFORMATION, claimed_by=casey,
                          legal_name=LEGAL_NAME)
    accepted = make.referral(by=officer, status=Status.ACCEPTED, decider=casey)
    waiting = make.referral(by=officer)  # nothing needs the partner: listed nowhere
    partner = signed_in(officer)

    page = partner.get("/home")
    needs = page.soup.find(id="needs-you-heading")
    assert needs.get_text() == "What needs you"
    questions, decisions = _section(page, "questions"), _section(page, "decisions")
    assert questions["links"] == {asked.reference: f"/referrals/{asked.id}#question-heading"}
    assert "Needs information" in questions["text"]
    assert decisions["links"] == {accepted.reference: f"/referrals/{accepted.id}"}
    assert "Accepted" in decisions["text"]
    assert waiting.reference not in page.text
    assert LEGAL_NAME not in page.text, "a reference and a status, no name"
    # The section comes before the cards of what they can do.
    html = page.response.get_data(as_text=True)
    assert html.index('id="needs-you-heading"') < html.index('class="usa-card-group"')

    again = partner.get("/home")
    assert _section(again, "decisions")["links"] == {}, "seen: no longer new"
    assert "No decision since you last looked." in _section(again, "decisions")["text"]
    assert asked.reference in _section(again, "questions")["links"], "still waiting for them"


def test_a_partner_never_sees_another_organizations_referrals(make, signed_in, officer, casey):
    other_org = make.user(Role.REFERRER, make.org(OrgKind.LAW_ENFORCEMENT), name="Other Officer")
    theirs = make.referral(by=other_org, status=Status.NEEDS_INFORMATION, claimed_by=casey)
    declined = make.referral(by=other_org, status=Status.DECLINED, decider=casey)
    mine = make.referral(by=officer, status=Status.DECLINED, decider=casey)
    admin = make.user(Role.PARTNER_ADMIN, officer.organisation, name="Partner Admin")

    for user in (officer, admin):
        page = signed_in(user).get("/home")
        assert theirs.reference not in page.text and declined.reference not in page.text
        assert _section(page, "decisions")["links"] == {mine.reference: f"/referrals/{mine.id}"}
        assert "No question from the program is waiting for your answer." in _section(
            page, "questions")["text"]


def test_a_coordinator_sees_what_they_hold_replies_not_opened_and_deadlines(
        make, signed_in, officer, casey, session):
    held = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    someone_else = make.user(Role.COORDINATOR, casey.organisation, name="Other Coordinator")
    not_mine = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=someone_else)
    asked = make.referral(by=officer, status=Status.NEEDS_INFORMATION, claimed_by=casey)
    soon = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                         intake_deadline=date.today() + timedelta(days=3))
    later = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                          intake_deadline=date.today() + timedelta(days=20))
    partner, coordinator = signed_in(officer), signed_in(casey)
    partner.submit(f"/referrals/{asked.id}/answer", {"answer": "He lives on 5th Street."},
                   form_url=f"/referrals/{asked.id}", status=302)

    page = coordinator.get("/home")
    assert set(_section(page, "held")["links"]) == {held.reference, asked.reference}
    assert not_mine.reference not in _section(page, "held")["text"]
    assert _section(page, "replies")["links"] == {asked.reference: review_url(asked.id)}
    deadlines = _section(page, "deadlines")
    assert soon.reference in deadlines["links"] and later.reference not in deadlines["links"]
    assert "3 days left" in deadlines["text"]

    coordinator.get(review_url(asked.id))  # opened: the reply no longer waits
    after = coordinator.get("/home")
    assert _section(after, "replies")["links"] == {}
    assert "No partner reply is waiting for you." in _section(after, "replies")["text"]
    assert asked.reference in _section(after, "held")["links"], "still held"


def test_empty_sections_say_so_in_words(signed_in, casey):
    page = signed_in(casey).get("/home")
    assert "You hold no referral." in _section(page, "held")["text"]
    assert "No partner reply is waiting for you." in _section(page, "replies")["text"]
    assert "No intake deadline in the next 7 days." in _section(page, "deadlines")["text"]

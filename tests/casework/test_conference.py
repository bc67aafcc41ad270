"""The case conferencing list: three groups (in review, needs information, accepted without
intake yet), each most urgent first, as a page and as a PDF (read back with pdftotext)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.casework.operations import assign_case_manager, record_attempt
from portal.referrals.states import Status
from tests.reading import audit_rows
from tests.receipts.helpers import poppler, squash

TODAY = date.today()
PAGE = "/casework/conference"


def _rows(page, key: str) -> list[dict[str, str]]:
    table = page.soup.find(id=f"group-{key}")
    rows = []
    for tr in table.select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        if len(cells) > 1:
            rows.append({c["data-label"]: " ".join(c.get_text(" ").split()) for c in cells})
    return rows


@pytest.fixture
def world(make, session, app, officer, casey):
    """Referrals in every state; the open ones with deadlines that set their urgency."""
    made = {}
    for name, status, days in (("Late Review", Status.IN_REVIEW, 1),
                               ("Early Review", Status.SUBMITTED, 5),
                               ("Waiting Partner", Status.NEEDS_INFORMATION, 3),
                               ("Soon Intake", Status.ACCEPTED, 2),
                               ("Later Intake", Status.ACCEPTED, 9),
                               ("Done Intake", Status.INTAKE_COMPLETED, 4),
                               ("Declined Person", Status.DECLINED, 4),
                               ("Gone Person", Status.WITHDRAWN, 4)):
        made[name] = make.referral(by=officer, status=status, legal_name=name, decider=casey,
                                   claimed_by=casey if status is Status.IN_REVIEW else None,
                                   intake_deadline=TODAY + timedelta(days=days))
    with app.test_request_context():
        from portal import db
        from portal.accounts.models import User
        work = db.session()
        actor = work.get(User, casey.id)
        soon = work.merge(made["Soon Intake"])
        assign_case_manager(actor, soon, agency="Harbor Outreach", contact="Sam")
        record_attempt(actor, soon, attempted_on=TODAY, method="outreach_visit",
                       outcome="no_answer", note="Tent gone from the usual spot.", today=TODAY)
        work.commit()
    return made


@pytest.fixture
def staff(signed_in, casey):
    return signed_in(casey)


def test_three_groups_each_most_urgent_first(world, staff):
    page = staff.get(PAGE)
    assert [r["Name"] for r in _rows(page, "in_review")] == ["Late Review", "Early Review"]
    assert [r["Name"] for r in _rows(page, "needs_information")] == ["Waiting Partner"]
    assert [r["Name"] for r in _rows(page, "accepted")] == ["Soon Intake", "Later Intake"]
    shown = page.text
    for closed in ("Done Intake", "Declined Person", "Gone Person"):
        assert closed not in shown


def test_each_row_says_who_holds_it_the_case_manager_and_the_last_attempt(world, staff, casey):
    page = staff.get(PAGE)
    late, early = _rows(page, "in_review")
    assert (late["Holder"], late["Status"], early["Holder"], early["Status"]) == (
        "Casey Holder", "In review", "Unclaimed", "Submitted")
    soon, later = _rows(page, "accepted")
    assert soon["Case manager"] == "Harbor Outreach (Sam)"
    assert soon["Holder"] == "Casey Holder", "an agency answers for nothing: who accepted it does"
    assert soon["Last contact attempt"].endswith("Outreach visit: no answer")
    assert "Tent gone" not in page.text, "notes stay on the referral's page"
    assert (later["Case manager"], later["Last contact attempt"]) == ("None yet", "None yet")
    assert soon["Days waiting"] == "0" and "2 days left" in soon["Intake deadline"]
    assert soon["Reference"] == world["Soon Intake"].reference
    link = page.soup.find(id="group-accepted").find("a")["href"]
    assert link == f"/review/referrals/{world['Soon Intake'].id}"


def test_the_coordinator_nav_links_to_it(staff):
    links = [a["href"] for a in staff.get("/home").soup.select("a")]
    assert PAGE in links


def test_the_pdf_is_confidential_without_substance_use_details_and_audited(world, staff, casey,
                                                                          session):
    response = staff.raw.get(PAGE + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="case-conference-{TODAY.isoformat()}.pdf"')
    text = squash(poppler("pdftotext", response.data, "-layout"))
    assert "Tagged:          yes" in poppler("pdfinfo", response.data), "screen readers read it"
    assert "Confidential — 42 CFR Part 2" in text
    for name in ("Late Review", "Early Review", "Waiting Partner", "Soon Intake", "Later Intake"):
        assert name in text
    assert text.index("Late Review") < text.index("Early Review") < text.index("Waiting Partner")
    assert text.index("Waiting Partner") < text.index("Soon Intake") < text.index("Later Intake")
    assert "Done Intake" not in text and "Harbor Outreach" in text
    lowered = text.lower()
    for detail in ("substance", "shoplifting", "trespass", "mental health", "tent gone"):
        assert detail not in lowered, detail
    [row] = audit_rows(session, "casework.conference_downloaded", user_id=casey.id)
    assert row.detail == {"format": "pdf", "in_review": 2, "needs_information": 1, "accepted": 2}


def test_a_program_administrator_sees_it_too(make, signed_in, casey, world):
    admin = make.user(Role.PROGRAM_ADMIN, casey.organisation)
    assert len(_rows(signed_in(admin).get(PAGE), "accepted")) == 2


def test_an_empty_list_says_so(staff):
    page = staff.get(PAGE)
    for key in ("in_review", "needs_information", "accepted"):
        assert page.soup.find(id=f"group-{key}").select_one("tbody td").get_text() == "None."


def test_a_long_group_shows_its_most_urgent_and_says_how_many_more(world, staff, monkeypatch):
    from portal.casework import queries

    monkeypatch.setattr(queries, "GROUP_LIMIT", 1)
    page = staff.get(PAGE)
    assert [r["Name"] for r in _rows(page, "in_review")] == ["Late Review"]
    caption = page.soup.find(id="group-in_review").caption.get_text(" ")
    assert "In review: 2 referrals" in caption and "1 more are in the review queue" in caption


def test_days_waiting_count_from_the_question_for_those_waiting_for_the_partner(
        make, session, staff, officer, casey):
    from portal.referrals.models import InformationRequest

    asked = make.referral(by=officer, status=Status.NEEDS_INFORMATION, legal_name="Old Question",
                          decider=casey, age_days=6)
    [question] = session.query(InformationRequest).filter_by(referral_id=asked.id).all()
    question.asked_at = question.asked_at + timedelta(days=4)  # sent 6 days ago, asked 2 ago
    session.commit()
    [row] = _rows(staff.get(PAGE), "needs_information")
    assert row["Days waiting"] == "2"

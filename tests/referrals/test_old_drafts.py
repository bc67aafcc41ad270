"""A draft stored before a change of the code still opens, resumes and submits.

The fixtures are ``referrals.answers`` as the pages stored them in 2026 (captured by filling
drafts of both routes through the pages with tests/referrals/builders.py and dumping the column).
They are history: never regenerate them. ``..._partial`` stops before the circumstances page;
``..._unknown_keys`` carries a page the code no longer has (``legacy_page``) and a field a page no
longer asks (``person.pronouns``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal.accounts.models import OrgKind, Role
from portal.referrals.models import Referral, Screening
from portal.referrals.states import Status
from tests.referrals.helpers import ARREST, SOCIAL, check_url, count, reference_on, referral, send

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = {ARREST: OrgKind.LAW_ENFORCEMENT, SOCIAL: OrgKind.COMMUNITY_PARTNER}
# What each route's pages show of the stored answers (a text field per page, as typed).
PERSON = {"person": ("legal_name", "José O'Neil")}
SHOWN = {ARREST: {**PERSON, "referrer": ("badge_number", "4471"),
                  "arrest": ("arrest_place", "5th and Main"),
                  "concerns": ("note", "Cooperative; asked about detox.")},
         SOCIAL: {**PERSON, "referrer": ("phone", "303 555 0103"),
                  "whereabouts": ("where_found", "The library on 3rd, most mornings")}}


def stored(name: str) -> dict:
    return json.loads((FIXTURES / f"draft_answers_2026_11_{name}.json").read_text())


def old_draft(make, session, signed_in, route: str, fixture: str):
    """A draft row holding the fixture's answers, and its author's browser."""
    browser = signed_in(make.user(Role.REFERRER, kind=KINDS[route]))
    draft = make.referral(route, Status.DRAFT, by=browser.user, pages=())
    draft.answers = stored(fixture)
    session.commit()
    return draft.id, browser


def question_pages(answers: dict) -> list[str]:
    """The pages the fixture answered, all of them pages of today's code but ``legacy_page``."""
    return [slug for slug in answers if slug != "legacy_page"]


FOLDED = {"circumstances", "demographics", "concerns"}  # into "about" (issue 14)


def check_pages_show_the_answers(browser, referral_id: int, route: str, answers: dict) -> None:
    for slug in question_pages(answers):
        if slug in FOLDED:  # an old page's address leads to the page that asks it now
            moved = browser.raw.get(f"/referrals/{referral_id}/{slug}")
            assert moved.status_code == 302
            assert moved.location == f"/referrals/{referral_id}/about"
        shown_as = "about" if slug in FOLDED else slug
        page = browser.get(f"/referrals/{referral_id}/{shown_as}")  # 200, and every invariant
        if slug in SHOWN[route]:
            field, value = SHOWN[route][slug]
            assert answers[slug][field] == value and page.value(field) == value, (slug, field)
    check = browser.get(check_url(referral_id))
    for field, value in (("legal_name", "José O'Neil"), ("staying", "Under the 5th St bridge")):
        assert answers["person"][field] == value and value in check.text, field


@pytest.mark.parametrize("route", [ARREST, SOCIAL])
def test_a_complete_old_draft_opens_resumes_at_check_and_submits(make, session, signed_in,
                                                                 route):
    referral_id, browser = old_draft(make, session, signed_in, route, route)
    check_pages_show_the_answers(browser, referral_id, route, stored(route))

    resume = browser.raw.get(f"/referrals/{referral_id}")
    assert resume.status_code == 302 and resume.location == check_url(referral_id)
    dashboard = browser.get("/referrals/")
    assert dashboard.soup.find("a", href=f"/referrals/{referral_id}"), "the dashboard resumes it"

    response = send(browser, referral_id, status=302)
    assert response.location == f"/referrals/{referral_id}/confirmation"
    sent = referral(session, referral_id)
    assert reference_on(browser.get(response.location)) == sent.reference
    assert sent.status is Status.SUBMITTED and sent.legal_name == "José O'Neil"
    assert count(session, Screening, Screening.referral_id == referral_id) == 1


def test_a_partial_old_draft_resumes_at_its_first_unanswered_page(make, session, signed_in):
    referral_id, browser = old_draft(make, session, signed_in, ARREST, "arrest_diversion_partial")
    answers = stored("arrest_diversion_partial")
    assert list(answers) == ["referrer", "arrest", "charges", "person"]
    check_pages_show_the_answers(browser, referral_id, ARREST, answers)

    resume = browser.raw.get(f"/referrals/{referral_id}")
    assert resume.status_code == 302
    assert resume.location == f"/referrals/{referral_id}/about"  # the three pages, folded
    browser.get(resume.location)
    before = count(session, Referral, Referral.status != Status.DRAFT)
    send(browser, referral_id, status=200)  # pages missing: check your answers says which
    assert count(session, Referral, Referral.status != Status.DRAFT) == before


def test_an_old_draft_with_keys_the_code_no_longer_knows_opens_and_submits(make, session,
                                                                            signed_in):
    referral_id, browser = old_draft(make, session, signed_in, SOCIAL,
                                     "social_contact_unknown_keys")
    answers = stored("social_contact_unknown_keys")
    assert answers["legacy_page"] and answers["person"]["pronouns"]
    check_pages_show_the_answers(browser, referral_id, SOCIAL, answers)
    browser.get(f"/referrals/{referral_id}/legacy_page", status=404)
    check = browser.get(check_url(referral_id))
    assert "Samaritan House" not in check.text and "she/her" not in check.text, \
        "what no page asks is not shown"

    response = send(browser, referral_id, status=302)
    assert response.location == f"/referrals/{referral_id}/confirmation"
    sent = referral(session, referral_id)
    assert reference_on(browser.get(response.location)) == sent.reference
    assert sent.status is Status.SUBMITTED
    assert count(session, Screening, Screening.referral_id == referral_id) == 1

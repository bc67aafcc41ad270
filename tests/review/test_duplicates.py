"""Possible duplicates: the same date of birth and a similar name are flagged on the coordinator's
referral page, in both directions; nothing is merged."""

from __future__ import annotations

from datetime import date

import pytest

from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review.duplicates import similar
from tests.review.helpers import count, review_url

BORN = date(1979, 6, 14)


def _matches(page) -> list[str]:
    return [a.get_text(" ").strip() for a in page.soup.select("#possible-matches a")]


def _rows(page) -> list[list[str]]:
    """The side-by-side table: this referral, then each possible match, cell by cell."""
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])]
            for row in page.soup.select("#possible-matches tbody tr")]


@pytest.mark.parametrize(("earlier", "later"), [
    ("Jon Smith", "John Smith"),
    ("José García", "Jose Garcia"),
    ("Smith, John", "John Smith"),
    ("MARIA LOPEZ", "maria  lopez"),
])
def test_similar_names_with_the_same_birthday_are_flagged(make, session, signed_in, officer, casey,
                                                          earlier, later):
    first = make.referral(by=officer, legal_name=earlier, date_of_birth=BORN, age_days=40,
                          status=Status.DECLINED, decider=casey)
    second = make.referral(by=officer, legal_name=later, date_of_birth=BORN)
    browser = signed_in(casey)
    page = browser.get(review_url(second.id))
    assert _matches(page) == [f"Possible match: {first.reference}"]
    link = page.soup.select_one("#possible-matches a")
    assert link["href"] == review_url(first.id)
    assert _rows(page) == [["This referral", " ".join(later.split()), "June 14, 1979", "Submitted",
                            second.submitted_at.strftime("%B %-d, %Y")],
                           [f"Possible match: {first.reference}", earlier, "June 14, 1979",
                            "Declined", first.submitted_at.strftime("%B %-d, %Y")]]
    assert _matches(browser.get(review_url(first.id))) == [f"Possible match: {second.reference}"]
    assert count(session, Referral) == 2, "flagged, never merged"


def test_different_birthdays_or_different_names_are_not_flagged(make, session, signed_in, officer,
                                                                casey):
    referral = make.referral(by=officer, legal_name="John Smith", date_of_birth=BORN)
    make.referral(by=officer, legal_name="John Smith", date_of_birth=date(1979, 6, 15))
    make.referral(by=officer, legal_name="Jon Smith", date_of_birth=date(1980, 6, 14))
    make.referral(by=officer, legal_name="Joan Smyth", date_of_birth=BORN)
    make.referral(by=officer, legal_name="Maria Lopez", date_of_birth=BORN)
    page = signed_in(casey).get(review_url(referral.id))
    assert page.soup.find(id="possible-matches") is None
    assert "Possible match" not in page.text


def test_several_matches_are_listed_newest_first(make, session, signed_in, officer, casey):
    oldest = make.referral(by=officer, legal_name="Jon Smith", date_of_birth=BORN,
                           age_days=300, status=Status.WITHDRAWN)
    newer = make.referral(by=officer, legal_name="John Smyth", date_of_birth=BORN,
                          age_days=20)
    referral = make.referral(by=officer, legal_name="John Smith", date_of_birth=BORN)
    page = signed_in(casey).get(review_url(referral.id))
    assert _matches(page) == [f"Possible match: {newer.reference}",
                              f"Possible match: {oldest.reference}"]


def test_similarity_ignores_accents_case_spacing_and_order():
    assert similar("José García", "Jose Garcia")
    assert similar("Jon Smith", "John Smith")
    assert similar("García, José", "jose  garcia")
    assert not similar("John Smith", "Joan Smyth")
    assert not similar("John Smith", "Jane Doe")


def test_every_name_given_is_compared_with_accents_folded(make, session, signed_in, officer,
                                                          casey):
    """The issue's case: token_sort_ratio alone scores these 80, under the threshold."""
    first = make.referral(by=officer, legal_name="María García López", date_of_birth=BORN,
                          age_days=30)
    same = make.referral(by=officer, legal_name="Maria Garcia", date_of_birth=BORN)
    other_day = make.referral(by=officer, legal_name="Maria Garcia", date_of_birth=date(1979, 6, 15))
    page = signed_in(casey).get(review_url(same.id))
    assert _matches(page) == [f"Possible match: {first.reference}"]
    assert "Possible match" not in signed_in(casey).get(review_url(other_day.id)).text


def test_an_other_name_and_a_swapped_birthday_are_flagged_in_the_queue_too(
        make, session, signed_in, officer, casey):
    first = make.referral(by=officer, legal_name="Robert Nguyen", date_of_birth=date(1990, 3, 7),
                          answers={"person": {"other_names": "Bobby Tran; B. Nguyen"}},
                          age_days=30, status=Status.DECLINED, decider=casey)
    later = make.referral(by=officer, legal_name="Bobby Tran", date_of_birth=date(1990, 7, 3))
    alone = make.referral(by=officer, legal_name="Someone Else", date_of_birth=date(1990, 7, 3))
    browser = signed_in(casey)
    assert _matches(browser.get(review_url(later.id))) == [f"Possible match: {first.reference}"]
    queue = browser.get("/review/")
    flagged = {row.select_one("a").get_text(strip=True)
               for row in queue.soup.select("table.portal-queue tbody tr")
               if "Possible duplicate" in row.get_text()}
    assert later.reference in flagged and alone.reference not in flagged
    assert first.reference not in flagged, "declined: not in the open queue"


def test_a_first_name_alone_inside_a_longer_name_is_not_enough():
    assert similar("María García López", "Maria Garcia")
    assert not similar("Maria", "Maria Garcia")
    assert not similar("Maria Garcia", "Maria Fernandez")

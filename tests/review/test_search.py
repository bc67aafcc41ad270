"""Search on the queue page: by reference, name, date of birth or incident number, across every
referral (closed ones included), each result with its status; and the way back to the list."""

from __future__ import annotations

from datetime import date

from portal.referrals.states import Status
from tests.review.helpers import queue_rows, references_on

BORN = date(1984, 2, 9)


def _search(browser, query: str, **filters):
    return browser.get("/review/", query_string={"q": query, **filters})


def _found(browser, query: str, **filters) -> list[str]:
    return references_on(_search(browser, query, **filters))


def test_a_referral_is_found_by_reference_name_other_name_birthday_and_incident(
        make, signed_in, officer, casey):
    wanted = make.referral(by=officer, legal_name="María José García López", date_of_birth=BORN,
                           answers={"person": {"other_names": "Majo Reyes"},
                                    "arrest": {"incident_number": "24-00817"}})
    make.referral(by=officer, legal_name="Pat Example", date_of_birth=date(1990, 1, 1))
    browser = signed_in(casey)
    plain = wanted.reference.replace("-", "").lower()
    for query in (plain, wanted.reference, "garcia maria", "GARCÍA  lopez", "majo reyes",
                  "2/9/1984", "24-00817"):
        assert _found(browser, query) == [wanted.reference], query


def test_a_declined_referral_is_found_with_its_status(make, signed_in, officer, casey):
    declined = make.referral(by=officer, legal_name="Dana Whitfield", status=Status.DECLINED,
                             decider=casey)
    page = _search(signed_in(casey), "whitfield dana")
    [row] = queue_rows(page)
    assert (row["Reference"], row["Name"], row["Status"]) == (
        declined.reference, "Dana Whitfield", "Declined")
    assert "matching “whitfield dana”, every status" in page.soup.caption.get_text()


def test_nothing_found_says_so_and_a_wrong_date_finds_nothing(make, signed_in, officer, casey):
    make.referral(by=officer, legal_name="Dana Whitfield", date_of_birth=BORN)
    browser = signed_in(casey)
    assert _found(browser, "Quentin Zyx") == []
    assert _found(browser, "2/30/1984") == []
    page = _search(browser, "x" * 201)
    assert page.status == 200 and "The search must be 200 characters or fewer" in page.text


def test_the_status_filter_lists_closed_referrals_and_narrows_a_search(make, signed_in, officer,
                                                                       casey):
    withdrawn = make.referral(by=officer, legal_name="Lee Park", status=Status.WITHDRAWN)
    completed = make.referral(by=officer, legal_name="Lee Park",
                              status=Status.INTAKE_COMPLETED, decider=casey)
    open_one = make.referral(by=officer, legal_name="Lee Park")
    browser = signed_in(casey)
    assert open_one.reference in references_on(browser.get("/review/"))
    assert withdrawn.reference not in references_on(browser.get("/review/")), "open by default"
    assert references_on(browser.get("/review/?status=withdrawn")) == [withdrawn.reference]
    assert references_on(browser.get("/review/?status=intake_completed")) == [
        completed.reference]
    assert sorted(_found(browser, "lee park")) == sorted(
        [withdrawn.reference, completed.reference, open_one.reference])
    assert _found(browser, "lee park", status="withdrawn") == [withdrawn.reference]


def test_the_referral_page_links_back_to_the_list_it_came_from(make, signed_in, officer, casey):
    referral = make.referral(by=officer, legal_name="Lee Park", status=Status.DECLINED,
                             decider=casey)
    browser = signed_in(casey)
    listed = _search(browser, "lee park", status="declined")
    link = listed.soup.select_one("table.portal-queue tbody a")["href"]
    page = browser.get(link)
    assert page.status == 200 and f"Referral {referral.reference}" in page.text
    back = page.soup.select_one(".portal-back a")["href"]
    assert back == "/review/?q=lee+park&status=declined"
    assert references_on(browser.get(back)) == [referral.reference]


def test_a_typo_finds_the_name_on_postgresql_but_not_every_namesake(make, signed_in, officer,
                                                                    casey, is_postgres):
    """When no name holds every word typed, PostgreSQL's trigram similarity forgives a letter;
    it does not bring back every Maria and every García (the threshold is raised for that)."""
    wanted = make.referral(by=officer, legal_name="María García", date_of_birth=BORN)
    make.referral(by=officer, legal_name="Maria Lopez")
    make.referral(by=officer, legal_name="Pat García")
    browser = signed_in(casey)
    assert _found(browser, "maria garcia") == [wanted.reference], "every word: only her"
    assert _found(browser, "Maria Garsia") == ([wanted.reference] if is_postgres else [])

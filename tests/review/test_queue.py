"""The queue: what each row shows, the filters in the URL, the counts, the order, and keyset
pages of 50 that continue exactly where the last one ended."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event, select

from portal import db
from portal.accounts.models import OrgKind, Role
from portal.demo import accounts as demo_accounts
from portal.demo import referrals as demo_referrals
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review.queries import PAGE_SIZE, QUEUE_STATUSES
from tests.pages import on_page
from tests.review.helpers import SOCIAL, TODAY, counts_on, queue_rows, references_on

NOW = datetime.now(UTC)


def test_each_row_shows_what_the_coordinator_triages_by(make, session, signed_in, officer, casey):
    overdue = make.referral(by=officer, status=Status.ACCEPTED, decider=casey, age_days=33,
                            intake_deadline=TODAY - timedelta(days=3), screening="needs_review")
    one_day = make.referral(by=officer, status=Status.ACCEPTED, decider=casey, age_days=31,
                            intake_deadline=TODAY - timedelta(days=1))
    due_today = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                              intake_deadline=TODAY)
    tomorrow = make.referral(by=officer, intake_deadline=TODAY + timedelta(days=1))
    fresh_one = make.referral(by=officer, status=Status.IN_REVIEW, age_days=4,
                              claimed_by=casey, screening="ineligible")
    social = make.referral(by=officer, route=SOCIAL, age_days=1)
    page = signed_in(casey).get("/review/")
    rows = {row["Reference"]: row for row in queue_rows(page)}
    partner = officer.organisation.name

    assert rows[fresh_one.reference] == {
        "Reference": fresh_one.reference, "Route": "Arrest diversion", "Partner": partner,
        # Every factory referral is the same person: each is flagged as a possible duplicate.
        "Name": f"{fresh_one.legal_name} Possible duplicate",
        "Waiting": "4 days", "Screening": "Ineligible",
        "Intake deadline": f"{on_page(fresh_one.intake_deadline)} 26 days left",
        "Status": "In review", "Claimed by": casey.name}
    assert rows[overdue.reference]["Intake deadline"].endswith("Overdue by 3 days")
    assert rows[overdue.reference]["Screening"] == "Needs review"
    assert rows[overdue.reference]["Waiting"] == "33 days"
    assert rows[one_day.reference]["Intake deadline"].endswith("Overdue by 1 day")
    assert rows[due_today.reference]["Intake deadline"].endswith("Due today")
    assert rows[tomorrow.reference]["Intake deadline"].endswith("1 day left")
    assert rows[tomorrow.reference]["Waiting"] == "today"
    assert rows[tomorrow.reference]["Claimed by"] == "Unclaimed"
    assert rows[social.reference]["Intake deadline"] == "None"
    assert rows[social.reference]["Route"] == "Social contact referral"
    assert rows[social.reference]["Waiting"] == "1 day"
    # Overdue is said in words, and marked for the eye as well.
    flagged = [tr.find("th").get_text().strip()
               for tr in page.soup.select("table.portal-queue tbody tr.portal-overdue")]
    assert flagged == [overdue.reference, one_day.reference]
    link = page.soup.find("a", string=fresh_one.reference)
    assert link["href"] == f"/review/referrals/{fresh_one.id}"


@pytest.fixture
def mixed(make, session, officer, casey):
    """Open referrals that differ in one thing each, and closed ones the queue never shows."""
    outreach = make.user(Role.REFERRER, make.org(OrgKind.COMMUNITY_PARTNER), name="Sam Okafor")
    jo = make.user(Role.COORDINATOR, casey.organisation, name="Jo Ramos")
    rows = {
        "a": make.referral(by=officer, intake_deadline=TODAY + timedelta(days=10)),
        "b": make.referral(by=officer, status=Status.IN_REVIEW, screening="needs_review",
                           intake_deadline=TODAY + timedelta(days=20), claimed_by=casey),
        "c": make.referral(by=outreach, status=Status.IN_REVIEW, route=SOCIAL,
                           screening="ineligible", claimed_by=jo),
        "d": make.referral(by=outreach, status=Status.NEEDS_INFORMATION, route=SOCIAL,
                           claimed_by=casey),
        "e": make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                           intake_deadline=TODAY - timedelta(days=2), age_days=32),
        "f": make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                           screening="needs_review", intake_deadline=TODAY + timedelta(days=1)),
        "g": make.referral(by=officer, status=Status.SUBMITTED, screening="ineligible",
                           intake_deadline=TODAY - timedelta(days=1), age_days=31),
    }
    closed = [make.referral(by=officer, status=s, decider=casey,
                            intake_deadline=TODAY - timedelta(days=9))
              for s in (Status.DECLINED, Status.WITHDRAWN, Status.INTAKE_COMPLETED,
                        Status.INTAKE_MISSED)]
    return rows, closed, outreach, jo


def test_filters_in_the_url_each_narrow_the_rows(signed_in, casey, officer, mixed):
    rows, closed, outreach, _ = mixed
    browser = signed_in(casey)
    cases = {
        "": "abcdefg",
        "status=submitted": "ag",
        "status=in_review": "bc",
        "status=needs_information": "d",
        "status=accepted": "ef",
        "route=arrest_diversion": "abefg",
        "route=social_contact": "cd",
        "screening=eligible": "ade",
        "screening=needs_review": "bf",
        "screening=ineligible": "cg",
        f"partner={officer.organisation_id}": "abefg",
        f"partner={outreach.organisation_id}": "cd",
        "claimed=me": "bd",
        "claimed=unclaimed": "aefg",
        "overdue=1": "eg",
        "status=in_review&claimed=me": "b",
        "route=arrest_diversion&screening=needs_review&overdue=": "bf",
        f"partner={outreach.organisation_id}&claimed=unclaimed": "",
    }
    for query, expected in cases.items():
        page = browser.get(f"/review/?{query}")
        assert sorted(references_on(page)) == sorted(rows[k].reference for k in expected), query
        if not expected:
            assert "No referrals match these filters." in page.text
        for pair in filter(None, query.split("&")):  # the form shows the filter chosen
            name, value = pair.split("=")
            chosen = page.soup.select_one(f"select[name={name}] option[selected]")
            assert (chosen["value"] if chosen else "") == value, query
    shown = set(references_on(browser.get("/review/")))
    assert not shown & {c.reference for c in closed}, "closed referrals are not in the queue"


def test_an_unknown_filter_value_is_an_error_and_the_other_filters_still_apply(
        signed_in, casey, mixed):
    rows = mixed[0]
    browser = signed_in(casey)
    page = browser.get("/review/?status=bogus&route=social_contact&partner=x")
    assert page.title.startswith("Error: ")
    assert page.errors == ["Not a valid choice.", "Not a valid choice."]
    assert page.error_targets() == ["status", "partner"]
    assert sorted(references_on(page)) == sorted([rows["c"].reference, rows["d"].reference])


def test_counts_per_status_link_to_their_filter(signed_in, casey, mixed):
    browser = signed_in(casey)
    expected = {"submitted": 2, "in review": 2, "needs information": 1, "accepted": 2}
    for query in ("", "?route=social_contact", "?claimed=me"):
        page = browser.get(f"/review/{query}")
        assert counts_on(page) == expected, "the counts are of every open referral"
    links = [a["href"] for a in page.soup.select("ul.portal-counts a")]
    assert links == [f"/review/?status={s.value}" for s in QUEUE_STATUSES]


def test_nearest_deadline_first_then_the_oldest(make, session, signed_in, officer, casey):
    """The intake deadline of an arrest diversion, else the response target of a social contact
    referral (submission day + the ruleset's 14 days), so neither route waits behind the other."""
    soon = TODAY + timedelta(days=2)
    later = TODAY + timedelta(days=9)
    made = [
        ("later", make.referral(by=officer, intake_deadline=later)),
        ("soon_newer", make.referral(by=officer, intake_deadline=soon, age_days=1)),
        ("social_newer", make.referral(by=officer, route=SOCIAL, age_days=2)),  # due in 12 days
        ("soon_older", make.referral(by=officer, intake_deadline=soon, age_days=8)),
        ("overdue", make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                                  intake_deadline=TODAY - timedelta(days=4))),
        ("social_older", make.referral(by=officer, route=SOCIAL, age_days=20)),  # 6 days late
        ("none", make.referral(by=officer, route=SOCIAL, respond_by=None)),  # as before 0011
    ]
    by_name = {name: row.reference for name, row in made}
    social_newer = dict(made)["social_newer"]
    assert social_newer.respond_by == social_newer.submitted_at.date() + timedelta(days=14)
    assert social_newer.intake_deadline is None
    page = signed_in(casey).get("/review/")
    assert references_on(page) == [by_name[n] for n in (
        "social_older", "overdue", "soon_older", "soon_newer", "later", "social_newer", "none")]


def test_social_contact_referrals_no_longer_sort_behind_every_arrest_diversion(
        make, session, signed_in, officer, casey):
    arrests = [make.referral(by=officer, intake_deadline=TODAY + timedelta(days=20 + i))
               for i in range(3)]
    social = make.referral(by=officer, route=SOCIAL)  # respond by TODAY + 14
    order = references_on(signed_in(casey).get("/review/"))
    assert order.index(social.reference) < min(order.index(a.reference) for a in arrests)


def _expected_order(session) -> list[str]:
    session.expire_all()
    open_rows = session.scalars(select(Referral).where(Referral.status.in_(QUEUE_STATUSES)))
    return [r.reference for r in sorted(open_rows, key=lambda r: (
        r.intake_deadline or r.respond_by or date(9999, 12, 31), r.submitted_at, r.id))]


@pytest.fixture
def statements(app):
    """The SQL the app sends while the test runs."""
    seen: list[str] = []
    engine = app.extensions["portal.db"].engine

    def capture(connection, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    yield seen
    event.remove(engine, "before_cursor_execute", capture)


def test_pages_of_50_by_keyset_continue_exactly(app, connection, session, signed_in, casey,
                                               is_postgres, statements):
    """120 open referrals (1,080 closed), made by the demo generator: three pages, no
    duplicate, no gap, no OFFSET. On PostgreSQL the session's time zone is not UTC, as on a
    server configured for the program's own zone: the cursor must not shift by it."""
    if is_postgres:
        connection.exec_driver_sql("SET TIME ZONE 'America/Denver'")
    with db.transaction(app):  # a savepoint of the test's transaction
        demo_accounts.load_accounts()
        demo_referrals.generate(1200)
    expected = _expected_order(session)
    assert len(expected) == 120

    browser = signed_in(casey)
    statements.clear()
    seen, url, pages = [], "/review/", 0
    while url:
        page = browser.get(url)
        rows = references_on(page)
        pages += 1
        assert len(rows) == (PAGE_SIZE if pages < 3 else 20), pages
        seen += rows
        link = page.soup.find("a", string=re.compile(r"^Next \d+ referrals$"))
        url = link["href"] if link else None
        if url:
            assert list(parse_qs(urlsplit(url).query)) == ["after"]
    assert pages == 3
    assert seen == expected, "in queue order, each once"
    queue_reads = [(s, p) for s, p in statements if "FROM referrals" in s and "LIMIT" in s]
    assert len(queue_reads) == 3
    assert [">" in s for s, _ in queue_reads] == [False, True, True], "after the cursor"
    for statement, parameters in statements:
        if "OFFSET" in statement.upper():
            # SQLAlchemy's SQLite dialect writes "LIMIT ? OFFSET ?" for any LIMIT: offset 0.
            assert statement.endswith("OFFSET ?") and parameters[-1] == 0, statement


def test_the_next_link_keeps_the_filters(make, session, signed_in, officer, casey):
    for index in range(PAGE_SIZE + 3):
        make.referral(by=officer, intake_deadline=TODAY + timedelta(days=index % 7), age_days=index)
    make.referral(by=officer, route=SOCIAL)  # filtered out
    browser = signed_in(casey)
    first = browser.get("/review/?route=arrest_diversion&claimed=unclaimed")
    link = first.soup.find("a", string=re.compile(r"^Next \d+ referrals$"))
    query = parse_qs(urlsplit(link["href"]).query)
    assert query["route"] == ["arrest_diversion"] and query["claimed"] == ["unclaimed"]
    second = browser.get(link["href"])
    assert len(references_on(second)) == 3
    assert not set(references_on(first)) & set(references_on(second))
    assert second.soup.find("a", string=re.compile(r"^Next")) is None
    assert browser.get("/review/?after=nonsense").status == 200, "a bad cursor starts over"


def test_a_full_last_page_links_to_no_empty_page(make, session, signed_in, officer, casey):
    for index in range(PAGE_SIZE):
        make.referral(by=officer, age_days=index % 20)
    page = signed_in(casey).get("/review/")
    assert len(references_on(page)) == PAGE_SIZE
    assert page.soup.find("a", string=re.compile(r"^Next")) is None


def test_the_referral_page_says_the_deadline_in_words(make, session, signed_in, officer, casey):
    browser = signed_in(casey)
    for days, words in ((-1, "overdue by 1 day"), (-6, "overdue by 6 days"), (0, "due today"),
                        (1, "1 day left"), (12, "12 days left")):
        referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                                 intake_deadline=TODAY + timedelta(days=days))
        line = browser.get(f"/review/referrals/{referral.id}").soup.find(id="status").parent
        deadline = on_page(referral.intake_deadline)
        assert f"intake deadline {deadline} ({words})" in " ".join(line.get_text().split())


def test_a_clean_screening_is_worded_for_each_audience(make, signed_in):
    """Someone in the field reads "eligible" as "accepted": partners are told who decides."""
    from tests.review.helpers import review_url

    referral = make.referral()
    heading = "#screening .usa-alert__heading"
    coordinator = signed_in(make.coordinator())
    assert coordinator.get(review_url(referral.id)).soup.select_one(heading).get_text() == \
        "Screening: Eligible: every rule passes"
    partner = signed_in(referral.referrer)
    assert partner.get(f"/referrals/{referral.id}").soup.select_one(heading).get_text() == \
        "Screening found no problems; a coordinator decides"

"""Two coordinators at the same moment, on real connections and real commits (not the test's
rolled-back transaction): a fresh database per test, threads released together by a barrier.

SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL locks the row claimed with SKIP LOCKED
and refuses a stale UPDATE by its version column. Either way the outcome asserted is the same."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import create_app, db
from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.audit.models import AuditEvent
from portal.referrals.models import Referral, ReferralEvent
from portal.referrals.states import Status
from portal.review import operations
from tests import conftest
from tests.factories import Factory
from tests.pages import PASSWORD, Client, Page
from tests.review.helpers import TODAY, action_url, review_url, version_on


@pytest.fixture
def live(databases):
    """An app on a database of its own, migrated, committing for real."""
    app = create_app(conftest.test_settings(databases.new()))
    yield app
    app.extensions["portal.db"].engine.dispose()


def seed(app, *, coordinators: int, referrals: int, status: Status = Status.SUBMITTED):
    """Coordinators (who can sign in) and unclaimed referrals, committed."""
    hasher = app.extensions["portal.hasher"]
    with db.transaction(app) as session:
        program = Organisation(name="LEAD Program", kind=OrgKind.PROGRAM)
        police = Organisation(name="Metro Police", kind=OrgKind.LAW_ENFORCEMENT)
        officer = User(organisation=police, role=Role.REFERRER, email="officer@example.org",
                       name="Officer Dana Reyes")
        staff = [User(organisation=program, role=Role.COORDINATOR, email=f"c{i}@example.org",
                      name=f"Coordinator {i}", password_hash=hasher.hash(PASSWORD),
                      totp_secret=pyotp.random_base32()) for i in range(coordinators)]
        session.add_all([officer, *staff])
    with Session(app.extensions["portal.db"].engine, expire_on_commit=False) as setup:
        make = Factory(setup, app)  # its commits are real: this database is the test's own
        made = []
        for index in range(referrals):
            made.append(make.referral(by=officer, status=status, age_days=index).id)
            setup.commit()  # SQLite: end the read, so that the next referral's work may write
    return staff, made


def at_once(work, arguments: list) -> list:
    """``work(argument)`` in one thread per argument, started together; their results in order."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)
    errors: list[BaseException] = []

    def run(index, argument):
        try:
            barrier.wait(timeout=20)
            results[index] = work(argument)
        except BaseException as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [t for t in threads if t.is_alive()], "a thread hung"
    assert not errors, errors
    return results


def claim_next_as(app):
    def work(user_id: int) -> int | None:
        with db.transaction(app) as session:
            referral = operations.claim_next(session.get(User, user_id))
            return referral.id if referral else None
    return work


def holders(app) -> dict[int, int | None]:
    with db.transaction(app) as session:
        return dict(session.execute(select(Referral.id, Referral.claimed_by_id)).all())


def audit_count(app, action: str) -> int:
    with db.transaction(app) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def test_claim_next_at_once_never_gives_one_referral_to_two(live):
    staff, _ = seed(live, coordinators=4, referrals=6)
    got = at_once(claim_next_as(live), [u.id for u in staff])
    claimed = [g for g in got if g is not None]
    assert len(claimed) == len(set(claimed)), f"one referral given twice: {got}"
    assert claimed, "someone got one"
    held = holders(live)
    for user, referral in zip(staff, got, strict=True):
        if referral is not None:
            assert held[referral] == user.id
    assert sum(h is not None for h in held.values()) == len(claimed)
    assert audit_count(live, "referral.claimed") == len(claimed)


def test_with_one_referral_left_one_gets_it_and_the_others_nothing(live):
    staff, [only] = seed(live, coordinators=3, referrals=1)
    got = at_once(claim_next_as(live), [u.id for u in staff])
    assert sorted(got, key=str) == [only, None, None]
    winner = staff[got.index(only)]
    assert holders(live) == {only: winner.id}
    with db.transaction(live) as session:
        submitted, event = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id)).all()
        assert submitted.to_status is Status.SUBMITTED
        assert (event.from_status, event.to_status, event.actor_id) == (
            Status.SUBMITTED, Status.IN_REVIEW, winner.id)
    assert audit_count(live, "referral.claimed") == 1


def _browser(app, user) -> Client:
    browser = Client(app.test_client(), app)
    response = browser.sign_in(user)
    assert response.status_code == 302 and response.location == "/home"
    return browser


def test_two_coordinators_pressing_claim_next_through_the_pages(live):
    (casey, jo), referrals = seed(live, coordinators=2, referrals=3)
    browsers = [_browser(live, casey), _browser(live, jo)]

    def press(browser: Client):
        token = browser.get("/review/").csrf_token()
        return browser.raw.post("/review/claim-next", data={"csrf_token": token})

    def claimed(responses) -> list[int | None]:
        found = []
        for response in responses:
            assert response.status_code == 302
            if response.location == "/review/":
                found.append(None)
            else:
                found.append(int(response.location.rsplit("/", 1)[1]))
        return found

    first = claimed(at_once(press, browsers))
    assert None not in first and len(set(first)) == 2, first
    second = claimed(at_once(press, browsers))  # one referral left for two
    assert sorted(second, key=str) == [next(iter(set(referrals) - set(first))), None]
    loser = browsers[second.index(None)]
    page = loser.get("/review/")
    assert "Nothing left to claim: every open referral is being worked on." in page.text
    held = holders(live)
    assert sorted(held.values()) == sorted([casey.id, jo.id, casey.id if second[0] else jo.id])
    for browser, mine in zip(browsers, first, strict=True):
        assert browser.get(review_url(mine)).soup.find(id="status").get_text() == "In review"


def test_an_accept_and_a_decline_at_once_one_wins_the_other_gets_409(live):
    """Both pages were loaded at the same version; both are sent together. On PostgreSQL both
    may pass the version check, and the loser's UPDATE then matches no row (StaleDataError)."""
    (casey, jo), referrals = seed(live, coordinators=2, referrals=3, status=Status.IN_REVIEW)
    browsers = [_browser(live, casey), _browser(live, jo)]
    decisions = [("accept", {}), ("decline", {"reason": "duplicate", "declined_by": "program",
                                              "note": "Referred twice."})]

    def send(sending):
        browser, page, referral_id, (action, data) = sending
        return browser.raw.post(action_url(referral_id, action), data={
            "csrf_token": page.csrf_token(), "version": version_on(page), **data})

    for referral_id in referrals:
        pages = [b.get(review_url(referral_id)) for b in browsers]
        assert version_on(pages[0]) == version_on(pages[1])
        responses = at_once(send, [(browsers[i], pages[i], referral_id, decisions[i])
                                   for i in (0, 1)])
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [302, 409], statuses
        winner = statuses.index(302)
        stale = Page(responses[1 - winner])
        stale.check_invariants()
        expected = Status.ACCEPTED if winner == 0 else Status.DECLINED
        assert f"is now {expected.label.lower()}" in stale.soup.find(id="what-changed").get_text()
        with db.transaction(live) as session:
            row = session.get(Referral, referral_id)
            assert row.status is expected
            assert row.decided_by_id == [casey, jo][winner].id
            assert (row.decline_reason is None) == (expected is Status.ACCEPTED)
            events = session.scalars(select(ReferralEvent).where(
                ReferralEvent.referral_id == referral_id)).all()
            assert [e.to_status for e in events] == [Status.SUBMITTED, Status.IN_REVIEW, expected]


def test_two_sessions_writing_the_same_version_one_fails(live):
    """The ORM's version column: both read version 1, the first write wins, the second raises
    StaleDataError (which the pages answer with 409) and the first write stays."""
    (casey, jo), [referral_id] = seed(live, coordinators=2, referrals=1,
                                      status=Status.IN_REVIEW)
    database = live.extensions["portal.db"]
    first, second = database.new_session(), database.new_session()
    try:
        mine, theirs = first.get(Referral, referral_id), None
        first.commit()  # SQLite: end the read, so the other session may start its own
        theirs = second.get(Referral, referral_id)
        second.commit()
        assert mine.version == theirs.version
        mine.status, mine.decided_by_id, mine.decided_at = (Status.ACCEPTED, casey.id,
                                                            datetime.now(UTC))
        first.commit()
        theirs.status, theirs.decided_by_id, theirs.decided_at = (Status.DECLINED, jo.id,
                                                                  datetime.now(UTC))
        theirs.decline_reason, theirs.declined_by = "duplicate", "program"
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with db.transaction(live) as session:
        row = session.get(Referral, referral_id)
        assert (row.status, row.decided_by_id, row.decline_reason) == (
            Status.ACCEPTED, casey.id, None)
        assert row.intake_deadline >= TODAY

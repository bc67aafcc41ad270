"""Submitting: the referral, its consent, screening, first version, transition and audit row in
one transaction; reference numbers; one referral however many times Send is pressed."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent
from portal.consent.models import Consent
from portal.eligibility import parse_facts, screen
from portal.referrals.models import Referral, ReferralEvent, ReferralVersion, Screening
from portal.referrals.states import Status
from tests.conftest import test_settings as settings_for
from tests.factories import Factory
from tests.pages import PASSWORD, Client
from tests.referrals import builders
from tests.referrals.helpers import (
    ARREST,
    REFERENCE,
    ROUTES,
    audit_rows,
    check_url,
    count,
    reference_on,
    referral,
    send,
    submit_quickly,
)

CHILDREN = (Consent, Screening, ReferralVersion, ReferralEvent)


def children(session, referral_id: int) -> dict[str, int]:
    counts = {model.__name__: count(session, model, model.referral_id == referral_id)
              for model in CHILDREN}
    counts["audit"] = len(audit_rows(session, "referral.submitted", object_id=str(referral_id)))
    return counts


ONE_OF_EACH = {"Consent": 1, "Screening": 1, "ReferralVersion": 1, "ReferralEvent": 1, "audit": 1}


@pytest.mark.parametrize("route", ROUTES)
def test_submitting_makes_everything_at_once(app, make, signed_in, session, route):
    user = make.referrer(route)
    browser = signed_in(user)
    referral_id = builders.fill_draft_quickly(browser, route)
    assert children(session, referral_id) == dict.fromkeys(ONE_OF_EACH, 0), "nothing before"
    drafted = referral(session, referral_id).answers

    response = send(browser, referral_id)
    assert response.status_code == 302
    assert response.location == f"/referrals/{referral_id}/confirmation"
    page = browser.get(response.location)
    reference = reference_on(page)

    row = referral(session, referral_id)
    assert row.status is Status.SUBMITTED
    assert REFERENCE.match(row.reference) and row.reference == reference
    assert not set(row.reference) & set("01OI")
    assert row.submitted_at is not None
    assert (row.legal_name, row.date_of_birth) == ("José O'Neil", date(1990, 3, 7))
    assert row.screening_decision == "eligible"
    assert (row.organisation_id, row.referrer_id) == (user.organisation_id, user.id)
    assert children(session, referral_id) == ONE_OF_EACH

    ruleset = app.extensions["portal.ruleset"]
    screening = session.scalar(select(Screening).where(Screening.referral_id == referral_id))
    assert (screening.ruleset_id, screening.ruleset_version, screening.ruleset_sha256) == \
        (ruleset.id, ruleset.version, ruleset.sha256)
    assert len(screening.ruleset_sha256) == 64
    assert (screening.version_number, screening.decision) == (1, "eligible")

    version = session.scalar(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral_id))
    assert (version.number, version.answers, version.created_by_id) == (1, drafted, user.id)

    [event] = row.events
    assert (event.from_status, event.to_status, event.actor_id) == \
        (Status.DRAFT, Status.SUBMITTED, user.id)
    [audit] = audit_rows(session, "referral.submitted", object_id=str(referral_id))
    assert (audit.user_id, audit.organisation_id, audit.outcome) == \
        (user.id, user.organisation_id, "success")
    assert audit.detail == {"reference": reference, "screening": "eligible"}
    assert "José" not in str(audit.detail), "no personal data in the audit log"

    if route == ARREST:
        assert row.intake_deadline == date.today() + timedelta(days=30)
        assert page.soup.find(id="intake-deadline") is not None
    else:
        assert row.intake_deadline is None


def test_an_unconfirmed_consent_is_caught_before_sending(make, signed_in, session):
    """A consent not confirmed (an old draft, or a page tampered with) is said on the check page,
    with the way to the consent page, and nothing is sent."""
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    row = referral(session, referral_id)
    row.answers = {**row.answers, "consent": {**row.answers["consent"], "confirmed": False}}
    session.commit()
    response = send(browser, referral_id, {"partner_note": "Needs a look"})
    assert response.status_code == 200
    assert "ask them to sign again" in response.get_data(as_text=True)
    row = referral(session, referral_id)
    assert (row.status, row.reference, row.submitted_at) == (Status.DRAFT, None, None)
    assert children(session, referral_id) == dict.fromkeys(ONE_OF_EACH, 0)


REFUSE_SCREENINGS = {
    # The database itself refuses the screening row, half-way through the submission.
    "sqlite": ["CREATE TRIGGER refuse_screenings BEFORE INSERT ON screenings "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
    "postgresql": ["CREATE FUNCTION refuse_screenings() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
                   "CREATE TRIGGER refuse_screenings BEFORE INSERT ON screenings "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_screenings()"],
}


def test_a_failure_while_submitting_leaves_nothing_behind(make, signed_in, session):
    """The database refuses a row of the submission: the referral is not submitted and no
    screening, version, event, consent or audit row is kept either."""
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    for statement in REFUSE_SCREENINGS[session.get_bind().dialect.name]:
        session.execute(text(statement))
    session.commit()
    response = send(browser, referral_id, {"partner_note": "Needs a look"})
    assert response.status_code == 500
    row = referral(session, referral_id)
    assert (row.status, row.reference, row.submitted_at) == (Status.DRAFT, None, None)
    assert children(session, referral_id) == dict.fromkeys(ONE_OF_EACH, 0)


def test_thirty_reference_numbers_are_all_different_and_not_in_sequence(make, signed_in,
                                                                        session):
    user = make.user(Role.REFERRER)
    browser = signed_in(user)
    ids = [make.referral(ARREST, Status.DRAFT, by=user).id for _ in range(30)]
    for referral_id in ids:
        send(browser, referral_id, status=302)
    session.expire_all()
    references = [referral(session, i).reference for i in ids]
    assert all(REFERENCE.match(r) for r in references), references
    assert len(set(references)) == 30
    assert references != sorted(references) and references != sorted(references, reverse=True)
    assert len({r[:4] for r in references}) > 20, "no shared prefix counting up"


def test_pressing_send_twice_makes_one_referral(make, signed_in, session):
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    first = send(browser, referral_id)
    # The second press, with a fresh token (the page it came from is gone).
    second = send(browser, referral_id, form_url="/referrals/new")
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == f"/referrals/{referral_id}/confirmation"
    assert count(session, Referral, Referral.status == Status.SUBMITTED) == 1
    assert count(session, Consent) == count(session, Screening) == 1
    assert children(session, referral_id) == ONE_OF_EACH
    # Going back to check-your-answers shows the confirmation, not the form again.
    assert browser.raw.get(check_url(referral_id)).location == \
        f"/referrals/{referral_id}/confirmation"
    assert not audit_rows(session, "access.refused")


def test_a_page_sent_again_after_sending_changes_nothing(make, signed_in, session):
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    send(browser, referral_id, status=302)
    before = referral(session, referral_id).answers
    response = browser.submit(f"/referrals/{referral_id}/consent",
                              builders.consent_page(ARREST, signature="José Other"),
                              form_url="/referrals/new")
    assert response.status_code == 302 and response.location == f"/referrals/{referral_id}"
    assert "its answers can no longer be changed" in browser.get(response.location).text
    assert referral(session, referral_id).answers == before
    assert children(session, referral_id) == ONE_OF_EACH
    assert browser.raw.get(f"/referrals/{referral_id}/person").location == \
        f"/referrals/{referral_id}", "no page of a sent referral is offered for editing"
    assert not audit_rows(session, "access.refused"), "the author is not refused access"


@pytest.mark.parametrize("route", ROUTES)
def test_the_stored_screening_can_be_reproduced(app, make, signed_in, session, route):
    browser = signed_in(make.referrer(route))
    referral_id, _ = submit_quickly(browser, route)
    ruleset = app.extensions["portal.ruleset"]
    stored = session.scalar(select(Screening).where(Screening.referral_id == referral_id))
    assert stored.ruleset_version == ruleset.version
    assert stored.result["ruleset"] == {"id": ruleset.id, "version": ruleset.version,
                                        "sha256": ruleset.sha256}
    fresh = screen(parse_facts(stored.facts, ruleset), ruleset, on=stored.screened_on)
    assert fresh.to_dict() == stored.result
    assert stored.decision == stored.result["decision"] == referral(session, referral_id) \
        .screening_decision


def test_the_confirmation_of_a_draft_goes_back_to_check(make, signed_in):
    browser = signed_in(make.user(Role.REFERRER))
    referral_id = builders.fill_draft_quickly(browser, ARREST)
    response = browser.raw.get(f"/referrals/{referral_id}/confirmation")
    assert response.status_code == 302 and response.location == check_url(referral_id)


# --- Two presses at the same moment -------------------------------------------------------------
# On PostgreSQL the second waits on the row lock of the first; on SQLite on the write lock
# (BEGIN IMMEDIATE). Either way it then finds the referral sent and makes nothing.

def _sign_in(app, user_id: int, code_offset: int) -> Client:
    """Sign in through the pages of an app whose sessions commit for real."""
    browser = Client(app.test_client(), app)
    with Session(app.extensions["portal.db"].engine) as work:
        user = work.get(User, user_id)
        email, secret = user.email, user.totp_secret
    response = browser.submit("/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    step = int(time.time() // 30) + code_offset  # each code works once: the second is the next
    response = browser.submit("/sign-in/code", {"code": pyotp.TOTP(secret).at(step * 30)})
    assert response.location == "/home", "signed in"
    return browser


def test_two_presses_at_the_same_moment_make_one_referral(databases):
    app = create_app(settings_for(databases.new()))
    try:
        with Session(app.extensions["portal.db"].engine, expire_on_commit=False) as setup:
            user = Factory(setup, app).user(Role.REFERRER)  # commits for real
        first = _sign_in(app, user.id, 0)
        second = _sign_in(app, user.id, 1)
        referral_id = builders.fill_draft_quickly(first, ARREST)
        tokens = [b.get(check_url(referral_id)).csrf_token() for b in (first, second)]

        barrier = threading.Barrier(2)
        responses: list = [None, None]

        def press(index: int, browser: Client) -> None:
            barrier.wait()
            responses[index] = browser.raw.post(check_url(referral_id),
                                                data={"csrf_token": tokens[index]})

        threads = [threading.Thread(target=press, args=(i, b))
                   for i, b in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert [r.status_code for r in responses] == [302, 302]
        assert {r.location for r in responses} == {f"/referrals/{referral_id}/confirmation"}

        with Session(app.extensions["portal.db"].engine) as work:

            def total(model, *where):
                return work.scalar(select(func.count()).select_from(model).where(*where))

            assert total(Referral, Referral.status == Status.SUBMITTED) == 1
            assert total(Consent) == total(Screening) == total(ReferralVersion) == 1
            assert total(ReferralEvent) == 1
            assert total(AuditEvent, AuditEvent.action == "referral.submitted") == 1
    finally:
        app.extensions["portal.db"].engine.dispose()

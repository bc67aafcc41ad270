"""`lead-portal deadlines`: an accepted referral past its intake deadline without intake becomes
intake missed, once, with its event and audit row; nothing else is touched."""

from __future__ import annotations

from datetime import timedelta

from portal import db
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review import operations
from portal.review.commands import deadlines
from tests.review.helpers import SOCIAL, TODAY, audit_rows, events_of, fresh, review_url, snapshot


def test_the_command_marks_missed_intakes_once(make, app, session, officer, casey):
    overdue = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                            intake_deadline=TODAY - timedelta(days=1))
    long_overdue = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                                 intake_deadline=TODAY - timedelta(days=40))
    due_today = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                              intake_deadline=TODAY)
    completed = make.referral(by=officer, status=Status.INTAKE_COMPLETED, decider=casey,
                              intake_deadline=TODAY - timedelta(days=5))
    undecided = make.referral(by=officer, status=Status.IN_REVIEW,
                              intake_deadline=TODAY - timedelta(days=5))
    no_deadline = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                                route=SOCIAL)
    untouched = {r.id: snapshot(session, r.id) for r in (due_today, completed, undecided,
                                                          no_deadline)}
    known = {r.id: len(events_of(session, r.id)) for r in (overdue, long_overdue)}
    runner = app.test_cli_runner()

    result = runner.invoke(deadlines, ["--on", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"2 referral(s) marked intake missed: {overdue.reference}, {long_overdue.reference}",
        "0 revocation(s) took effect."]
    for referral in (overdue, long_overdue):
        row = fresh(session, Referral, referral.id)
        assert row.status is Status.INTAKE_MISSED
        [event] = events_of(session, referral.id)[known[referral.id]:]
        assert (event.from_status, event.to_status, event.actor_id) == (
            Status.ACCEPTED, Status.INTAKE_MISSED, None)
        assert event.reason == f"Intake deadline {referral.intake_deadline.isoformat()} passed"
        [audit] = audit_rows(session, "referral.intake_missed", object_id=str(referral.id))
        assert (audit.user_id, audit.outcome) == (None, "success")
    assert {i: snapshot(session, i) for i in untouched} == untouched

    again = runner.invoke(deadlines, ["--on", TODAY.isoformat()])
    assert again.exit_code == 0
    assert again.output.splitlines()[0] == "0 referral(s) marked intake missed."
    assert len(audit_rows(session, "referral.intake_missed")) == 2
    assert len(events_of(session, overdue.id)) == known[overdue.id] + 1

    # A day later, the one due today has passed too.
    later = runner.invoke(deadlines, ["--on", (TODAY + timedelta(days=1)).isoformat()])
    assert later.output.splitlines()[0] == (f"1 referral(s) marked intake missed: "
                                            f"{due_today.reference}")


def test_the_operation_judges_by_the_day_it_is_given(make, app_context, session, officer, casey):
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=TODAY + timedelta(days=3))
    assert operations.mark_missed_deadlines(TODAY) == []
    assert operations.mark_missed_deadlines(TODAY + timedelta(days=3)) == []
    [missed] = operations.mark_missed_deadlines(TODAY + timedelta(days=4))
    db.session().flush()
    assert missed.id == referral.id
    assert fresh(session, Referral, referral.id).status is Status.INTAKE_MISSED
    assert operations.mark_missed_deadlines(TODAY + timedelta(days=4)) == []


def _history(page) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in page.soup.select("#history li")]


def test_the_history_shows_the_automatic_change(make, app, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=TODAY - timedelta(days=2))
    browser = signed_in(casey)
    before = _history(browser.get(review_url(referral.id)))
    app.test_cli_runner().invoke(deadlines, [])
    page = browser.get(review_url(referral.id))
    [line] = _history(page)[len(before):]
    assert line.endswith(f"Accepted → Intake missed (automatic) – program staff only: “Intake "
                         f"deadline {referral.intake_deadline.isoformat()} passed”")
    assert "If the person came after all, record the intake" in page.text
    assert page.soup.find(id="extend") is not None  # or extend the deadline

"""`lead-portal deadlines`: an accepted referral past its intake deadline without intake becomes
intake missed, once, with its event and audit row; nothing else is touched."""

from __future__ import annotations

from datetime import timedelta

from portal import db
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review import operations
from portal.review.commands import deadlines
from tests.review.helpers import (
    SOCIAL, TODAY, audit_rows, events_of, fresh, referral_row, review_url, signed_in, snapshot,
)


def test_the_command_marks_missed_intakes_once(app, session, officer, casey):
    overdue = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                           deadline=TODAY - timedelta(days=1))
    long_overdue = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                                deadline=TODAY - timedelta(days=40))
    due_today = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                             deadline=TODAY)
    completed = referral_row(session, officer, status=Status.INTAKE_COMPLETED, decider=casey,
                             deadline=TODAY - timedelta(days=5))
    undecided = referral_row(session, officer, status=Status.IN_REVIEW,
                             deadline=TODAY - timedelta(days=5))
    no_deadline = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                               route=SOCIAL)
    untouched = {r.id: snapshot(session, r.id) for r in (due_today, completed, undecided,
                                                          no_deadline)}
    runner = app.test_cli_runner()

    result = runner.invoke(deadlines, ["--on", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"2 referral(s) marked intake missed: {overdue.reference}, {long_overdue.reference}",
        "0 revocation(s) took effect."]
    for referral in (overdue, long_overdue):
        row = fresh(session, Referral, referral.id)
        assert row.status is Status.INTAKE_MISSED
        [event] = events_of(session, referral.id)
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
    assert len(events_of(session, overdue.id)) == 1

    # A day later, the one due today has passed too.
    later = runner.invoke(deadlines, ["--on", (TODAY + timedelta(days=1)).isoformat()])
    assert later.output.splitlines()[0] == (f"1 referral(s) marked intake missed: "
                                            f"{due_today.reference}")


def test_the_operation_judges_by_the_day_it_is_given(app_context, session, officer, casey):
    referral = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                            deadline=TODAY + timedelta(days=3))
    assert operations.mark_missed_deadlines(TODAY) == []
    assert operations.mark_missed_deadlines(TODAY + timedelta(days=3)) == []
    [missed] = operations.mark_missed_deadlines(TODAY + timedelta(days=4))
    db.session().flush()
    assert missed.id == referral.id
    assert fresh(session, Referral, referral.id).status is Status.INTAKE_MISSED
    assert operations.mark_missed_deadlines(TODAY + timedelta(days=4)) == []


def test_the_history_shows_the_automatic_change(app, session, new_client, officer, casey):
    referral = referral_row(session, officer, status=Status.ACCEPTED, decider=casey,
                            deadline=TODAY - timedelta(days=2))
    app.test_cli_runner().invoke(deadlines, [])
    page = signed_in(new_client, casey).get(review_url(referral.id))
    [line] = [" ".join(li.get_text(" ").split()) for li in page.soup.select("#history li")]
    assert line.endswith(f"Accepted → Intake missed (automatic) – program staff only: “Intake "
                         f"deadline {referral.intake_deadline.isoformat()} passed”")
    assert "No actions: the referral is intake missed." in page.text

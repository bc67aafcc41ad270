"""The one table of transitions, and the database that enforces it and the shape of each state."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal import db
from portal.audit.models import AuditEvent
from portal.referrals.models import Referral, ReferralEvent
from portal.referrals.operations import Refused, transition
from portal.referrals.states import COORDINATOR, PARTNER, SYSTEM, TRANSITIONS, Status
from tests.review.helpers import audit_rows, columns_for, count, events_of, fresh

ACTORS = (PARTNER, COORDINATOR, SYSTEM)
PAIRS = [(a, b) for a, b in itertools.permutations(Status, 2)]
TRIGGER = "a referral cannot go from"


def test_the_table_is_what_the_workflow_says():
    """requirements.md, Review workflow: the moves, and who makes each."""
    assert TRANSITIONS == {
        (Status.DRAFT, Status.SUBMITTED): {PARTNER},
        (Status.SUBMITTED, Status.IN_REVIEW): {COORDINATOR},
        (Status.SUBMITTED, Status.WITHDRAWN): {PARTNER},
        (Status.IN_REVIEW, Status.WITHDRAWN): {PARTNER},
        (Status.NEEDS_INFORMATION, Status.WITHDRAWN): {PARTNER},
        (Status.IN_REVIEW, Status.NEEDS_INFORMATION): {COORDINATOR},
        (Status.NEEDS_INFORMATION, Status.IN_REVIEW): {PARTNER},
        (Status.IN_REVIEW, Status.ACCEPTED): {COORDINATOR},
        (Status.IN_REVIEW, Status.DECLINED): {COORDINATOR},
        (Status.ACCEPTED, Status.INTAKE_COMPLETED): {COORDINATOR},
        (Status.ACCEPTED, Status.INTAKE_MISSED): {COORDINATOR, SYSTEM},
        (Status.INTAKE_MISSED, Status.INTAKE_COMPLETED): {COORDINATOR},
        (Status.INTAKE_MISSED, Status.ACCEPTED): {COORDINATOR},
    }


def test_transition_refuses_every_move_not_in_the_table():
    refused = 0
    for (source, target), by in itertools.product(itertools.product(Status, Status), ACTORS):
        if by in TRANSITIONS.get((source, target), ()):
            continue
        referral = Referral(status=source)
        with pytest.raises(Refused, match="cannot become"):
            transition(None, referral, target, by)
        assert referral.status is source
        refused += 1
    assert refused == len(Status) ** 2 * len(ACTORS) - sum(map(len, TRANSITIONS.values()))


def test_every_move_in_the_table_works_and_is_recorded(make, app_context, session, officer, casey):
    """Each (move, actor) of the table, on a real row: the database's trigger and CHECKs agree."""
    for (source, target), actors in TRANSITIONS.items():
        for by in sorted(actors):
            row = make.referral(by=officer, status=source, decider=casey)
            known = len(events_of(session, row.id)), len(audit_rows(
                session, f"referral.{target.value}", object_id=str(row.id)))
            referral = db.session().get(Referral, row.id)
            for column, value in columns_for(target, casey).items():
                setattr(referral, column, value)
            actor = None if by == SYSTEM else db.session().get(type(casey), casey.id)
            transition(actor, referral, target, by, note=f"{source} to {target} by {by}")
            db.session().flush()
            assert fresh(session, Referral, row.id).status is target
            [event] = events_of(session, row.id)[known[0]:]
            assert (event.from_status, event.to_status, event.actor_id, event.reason) == (
                source, target, getattr(actor, "id", None), f"{source} to {target} by {by}")
            [audit] = audit_rows(session, f"referral.{target.value}",
                                 object_id=str(row.id))[known[1]:]
            assert audit.user_id == getattr(actor, "id", None)
            # The change, never its text (a note may hold health details).
            assert audit.detail == {"from": source.value}


def _set_status(session, referral_id: int, status: Status, **columns) -> None:
    """A raw UPDATE, as a script or a bug in another program would send it."""
    assignments = ", ".join(["status = :status", *(f"{c} = :{c}" for c in columns)])
    with session.begin_nested():
        session.execute(text(f"UPDATE referrals SET {assignments} WHERE id = :id"),
                        {"status": status.value, "id": referral_id, **columns})


def test_the_database_refuses_every_change_of_status_not_in_the_table(make, session, officer,
                                                                     casey):
    """The trigger of migration 0003: a raw UPDATE of any pair outside the table fails, and any
    pair in it succeeds (the columns each state needs are set first, so only the trigger judges)."""
    rows = {}
    for source, target in PAIRS:
        row = rows[source, target] = make.referral(by=officer, status=source, decider=casey)
        for column, value in columns_for(target, casey).items():
            setattr(row, column, value)
        session.commit()
    events = count(session, ReferralEvent)
    for (source, target), row in rows.items():
        if (source, target) in TRANSITIONS:
            _set_status(session, row.id, target)
            assert fresh(session, Referral, row.id).status is target, (source, target)
        else:
            with pytest.raises(DBAPIError, match=TRIGGER):
                _set_status(session, row.id, target)
            assert fresh(session, Referral, row.id).status is source, (source, target)
    assert count(session, ReferralEvent) == events, \
        "a raw UPDATE writes no event: only the trigger ran"


def test_the_database_refuses_impossible_rows(make, session, officer, casey):
    """Each CHECK constraint of migration 0003, on a move the table allows."""
    in_review = make.referral(by=officer, status=Status.IN_REVIEW)
    accepted = make.referral(by=officer, status=Status.ACCEPTED, decider=casey)
    closed = [make.referral(by=officer, status=status, decider=casey) for status in (
        Status.SUBMITTED, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN,
        Status.INTAKE_COMPLETED, Status.INTAKE_MISSED)]
    declined = closed[2]
    audits = count(session, AuditEvent)
    with pytest.raises(DBAPIError, match="decided_has_decider"):
        _set_status(session, in_review.id, Status.ACCEPTED)  # accepted, by nobody
    with pytest.raises(DBAPIError, match="decided_has_decider"):
        _set_status(session, in_review.id, Status.DECLINED, decline_reason="duplicate",
                    declined_by="program", decided_by_id=casey.id)  # no decided_at
    with pytest.raises(DBAPIError, match="declined_has_reason"):
        _set_status(session, in_review.id, Status.DECLINED, declined_by="program",
                    decided_by_id=casey.id, decided_at="2026-01-02 03:04:05")  # no reason
    with pytest.raises(DBAPIError, match="declined_has_reason"):
        _set_status(session, in_review.id, Status.DECLINED, decline_reason="duplicate",
                    declined_by="someone", decided_by_id=casey.id, decided_at="2026-01-02 03:04:05")
    with pytest.raises(DBAPIError, match="intake_completed_has_date"):
        _set_status(session, accepted.id, Status.INTAKE_COMPLETED)
    for row in closed:
        with pytest.raises(DBAPIError, match="claim_only_while_open"), session.begin_nested():
            session.execute(text("UPDATE referrals SET claimed_by_id = :by, claimed_at = "
                                 "CURRENT_TIMESTAMP WHERE id = :id"), {"by": casey.id,
                                                                       "id": row.id})
    with pytest.raises(DBAPIError, match="claim_only_while_open"), session.begin_nested():
        session.execute(text("UPDATE referrals SET claimed_by_id = :by WHERE id = :id"),
                        {"by": casey.id, "id": in_review.id})  # a claim without its time
    with pytest.raises(DBAPIError, match="override_only_on_accept"), session.begin_nested():
        session.execute(text("UPDATE referrals SET override_justification = 'x' WHERE id = :id"),
                        {"id": declined.id})
    assert fresh(session, Referral, in_review.id).status is Status.IN_REVIEW
    assert fresh(session, Referral, accepted.id).intake_completed_on is None
    assert count(session, AuditEvent) == audits

"""The daily job from two hosts at once: real commits on a database of the test's own, and two
real `lead-portal deadlines` processes started together. Each overdue referral is marked intake
missed once: one event and one audit row, whoever marked it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import func, select, update

from portal import db
from portal.audit.models import AuditEvent
from portal.config import ROOT
from portal.referrals.models import Referral, ReferralEvent
from portal.referrals.states import Status
from portal.review import operations
from tests.review.helpers import TODAY
from tests.review.test_concurrency import at_once, live, seed  # noqa: F401  (live: a fixture)

OVERDUE = 12


def _overdue(app) -> list[int]:
    _, made = seed(app, coordinators=1, referrals=OVERDUE, status=Status.ACCEPTED)
    with db.transaction(app) as session:
        session.execute(update(Referral).values(intake_deadline=TODAY - timedelta(days=1))
                        .execution_options(synchronize_session=False))
    return made


def _marks(app) -> dict[int, int]:
    """Each referral's number of moves to intake missed, and the audit rows of them."""
    with db.transaction(app) as session:
        moves = dict(session.execute(
            select(ReferralEvent.referral_id, func.count())
            .where(ReferralEvent.to_status == Status.INTAKE_MISSED)
            .group_by(ReferralEvent.referral_id)).all())
        audits = session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "referral.intake_missed"))
    return moves, audits


def test_three_runs_at_once_mark_each_referral_once(live):
    made = _overdue(live)

    def run(_):
        with db.transaction(live):
            return [r.id for r in operations.mark_missed_deadlines(TODAY)]

    runs = at_once(run, [1, 2, 3])
    marked = [ident for found in runs for ident in found]
    assert sorted(marked) == sorted(made), runs
    moves, audits = _marks(live)
    assert moves == dict.fromkeys(made, 1) and audits == OVERDUE


def test_two_processes_at_once_mark_each_referral_once(live):
    made = _overdue(live)
    url = live.extensions["portal.settings"].database_url
    env = {**os.environ, "DATABASE_URL": url, "LEAD_ENV": "development"}
    command = [sys.executable, "-m", "portal.cli", "deadlines", "--on", TODAY.isoformat()]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    counted = [int(out.split(" ", 1)[0]) for out, _ in outputs]
    assert sum(counted) == OVERDUE, outputs
    moves, audits = _marks(live)
    assert moves == dict.fromkeys(made, 1) and audits == OVERDUE
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.stdout.startswith("0 referral(s) marked intake missed."), again.stderr

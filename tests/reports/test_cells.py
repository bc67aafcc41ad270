"""The report's cells follow every submission and status change, equal to a recount from the
referrals; `lead-portal reports rebuild` finds and mends cells written around the portal; and
two transactions adding to one new cell at once both count (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from sqlalchemy import func, select, update

from portal import db
from portal.accounts.models import Role, User
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.reports.cells import DECISION, INTAKE, differences, upsert
from portal.reports.commands import reports
from portal.reports.models import ReportCell, ReportChargeCell, ReportDayCell
from portal.review import operations as review
from tests.reading import audit_rows
from tests.stored_answers import ARREST, SOCIAL

EVERY_STATE = [s for s in Status if s is not Status.DRAFT]


def _total(session, model, *where) -> int:
    return session.scalar(select(func.coalesce(func.sum(model.n), 0)).where(*where))


def test_every_path_through_the_workflow_keeps_the_cells_equal_to_a_recount(make, app_context,
                                                                            session):
    made = 0
    for route in (ARREST, SOCIAL):
        for status in EVERY_STATE:
            make.referral(route, status, age_days=3)
            made += 1
            assert differences(session) == {}, f"after a referral {status} on {route}"
    assert _total(session, ReportCell) == made
    for status in EVERY_STATE:
        assert _total(session, ReportCell, ReportCell.status == status) == 2
    decided = 2 * 4  # accepted, declined, intake completed, intake missed, on each route
    assert _total(session, ReportDayCell, ReportDayCell.measure == DECISION) == decided
    assert _total(session, ReportDayCell, ReportDayCell.measure == INTAKE) == 2
    assert _total(session, ReportChargeCell) >= made  # one charge or more each


def test_one_referral_moved_step_by_step_days_after_submission(make, app_context, session):
    holder = make.user(Role.COORDINATOR)
    made = make.referral(ARREST, Status.IN_REVIEW, claimed_by=holder, age_days=6)
    work = db.session()
    referral, coordinator = work.get(Referral, made.id), work.get(User, holder.id)
    review.accept(coordinator, referral, referral.version, "Known to outreach.")
    work.flush()
    assert differences(work) == {}
    review.record_intake(coordinator, referral, referral.version, date.today())
    work.flush()
    assert differences(work) == {}
    day_cells = {(c.measure, c.days): c.n for c in work.scalars(select(ReportDayCell))}
    assert day_cells == {(DECISION, 6): 1, (INTAKE, 0): 1}
    [cell] = work.scalars(select(ReportCell).where(ReportCell.n != 0))
    assert (cell.status, cell.n) == (Status.INTAKE_COMPLETED, 1)
    # Submitted, in review and accepted are left at 0 (the report leaves zeros out).
    assert work.scalar(select(func.count()).select_from(ReportCell)) == 4


def test_the_daily_deadline_run_moves_the_cells_too(make, app_context, session):
    make.referral(ARREST, Status.ACCEPTED, intake_deadline=date.today() - timedelta(days=1))
    [missed] = review.mark_missed_deadlines(date.today())
    db.session().flush()
    assert missed.status is Status.INTAKE_MISSED
    assert differences(db.session()) == {}
    assert _total(db.session(), ReportCell, ReportCell.status == Status.INTAKE_MISSED) == 1
    assert _total(db.session(), ReportCell, ReportCell.status == Status.ACCEPTED) == 0


def test_rebuild_finds_and_mends_cells_written_around_the_portal(app, make, app_context,
                                                                session):
    make.referral(ARREST, Status.DECLINED)
    make.referral(SOCIAL, Status.SUBMITTED)
    runner = app.test_cli_runner()
    assert runner.invoke(reports, ["rebuild", "--check"]).exit_code == 0
    # A script's UPDATE, which no listener hears.
    session.execute(update(Referral).where(Referral.status == Status.SUBMITTED)
                    .values(route=ARREST).execution_options(synchronize_session=False))
    session.commit()
    check = runner.invoke(reports, ["rebuild", "--check"])
    assert check.exit_code == 1
    assert "report_cells: 2 cells differ from a recount" in check.output
    rebuilt = runner.invoke(reports, ["rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "rows in report_cells" in rebuilt.output
    assert runner.invoke(reports, ["rebuild", "--check"]).exit_code == 0
    assert len(audit_rows(session, "report.cells_rebuilt")) == 1


def test_two_transactions_adding_to_one_new_cell_both_count(app, is_postgres):
    """Outside the test's transaction, on two connections of their own: the second waits on
    the first's uncommitted row, then adds to it instead of failing on the duplicate key.
    SQLite takes one writer at a time (BEGIN IMMEDIATE): there the second adds after the first."""
    table = ReportCell.__table__
    key = {"submitted_on": date(1999, 1, 1), "route": ARREST, "organisation_id": -1,
           "race_group": "", "ethnicity": "", "levels": 0, "status": Status.SUBMITTED}
    engine = app.extensions["portal.db"].engine
    statement = upsert(table, key, 1, "postgresql" if is_postgres else "sqlite")
    if not is_postgres:
        try:
            _add_in_own_transaction(engine, statement)
            _add_in_own_transaction(engine, statement)
            with engine.connect() as reader:
                assert reader.scalar(select(table.c.n).where(table.c.organisation_id == -1)) == 2
        finally:
            with engine.begin() as cleaner:
                cleaner.execute(table.delete().where(table.c.organisation_id == -1))
        return
    try:
        with engine.connect() as first:
            first.execute(statement)
            second = threading.Thread(target=_add_in_own_transaction, args=(engine, statement))
            second.start()
            time.sleep(0.3)
            assert second.is_alive(), "the second transaction waits for the first"
            first.commit()
        second.join(timeout=10)
        with engine.connect() as reader:
            assert reader.scalar(select(table.c.n).where(table.c.organisation_id == -1)) == 2
    finally:
        with engine.begin() as cleaner:
            cleaner.execute(table.delete().where(table.c.organisation_id == -1))


def _add_in_own_transaction(engine, statement) -> None:
    with engine.begin() as connection:
        connection.execute(statement)

"""The report's counts, kept current as referrals move (see the cells in models.py).

A referral counts in a few cells: one for its status, one for the days its decision took (once
decided), one for the days to intake (once completed), one per charge. Each change of status
takes it out of the cells of its old state and adds it to those of the new one, in the same
transaction as the change, with upserts (INSERT ... ON CONFLICT DO UPDATE SET n = n + delta), so
that two workers changing referrals of the same cell at once both count. ``rebuild`` recounts
every cell from the referrals with a few set-based statements: the migration fills the cells with
it, and `lead-portal reports rebuild` mends them if anything ever wrote referrals around it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import case, delete, distinct, func, insert, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from portal import db
from portal.eligibility import LEVELS
from portal.referrals.models import Referral
from portal.referrals.states import DECIDED, Status
from portal.reports.models import ReferralCharge, ReportCell, ReportChargeCell, ReportDayCell
from portal.reports.sql import day_of, days_between
from portal.reports.values import OTHER_LEVEL

# Stored in the cells: a level's bit never changes (a new level takes the next free bit).
LEVEL_BITS = {"district": 1, "city_county": 2, OTHER_LEVEL: 4}
assert set(LEVELS) | {OTHER_LEVEL} <= set(LEVEL_BITS), "a charge level has no bit in the cells"
DECISION, INTAKE = "decision", "intake"
NOT_RECORDED = ""  # a NULL in a primary key would never meet its upsert's conflict


def levels_mask(levels: Iterable[str]) -> int:
    mask = 0
    for level in set(levels):
        mask |= LEVEL_BITS.get(level, 0)
    return mask


def levels_in(mask: int) -> list[str]:
    return [level for level, bit in LEVEL_BITS.items() if mask & bit]


# --- kept current ------------------------------------------------------------------------------

def count_submitted(referral: Referral, charges: list[dict]) -> None:
    """A referral just submitted (its reporting columns set), and its charge rows."""
    groups = _groups(referral, levels_mask(row["level"] for row in charges))
    deltas = _state(referral, Status.SUBMITTED, None, None)
    deltas.update({(ReportChargeCell, (("code", row["code"]),)): 1 for row in charges})
    _apply(groups, deltas)


def count_transition(referral: Referral, source: Status, target: Status) -> None:
    """Out of the cells of ``source``, into those of ``target``. The decision's date and the
    intake's are set before the status changes to the one they belong to, so the old state
    had them only if it was already decided (or intake completed)."""
    before = _state(referral, source, referral.decided_at if source in DECIDED else None,
                    referral.intake_completed_on if source is Status.INTAKE_COMPLETED else None)
    after = _state(referral, target, referral.decided_at, referral.intake_completed_on)
    after.subtract(before)
    if any(after.values()):
        _apply(_groups(referral, _stored_levels(referral.id)), after)


def uncount(referral: Referral) -> None:
    """Out of every cell it counts in now: before its groups or charges change (a correction)."""
    _count_as_now(referral, -1)


def recount(referral: Referral) -> None:
    """Into every cell its current groups, charges and state belong to."""
    _count_as_now(referral, 1)


def _count_as_now(referral: Referral, sign: int) -> None:
    charges = db.session().execute(select(ReferralCharge.code, ReferralCharge.level).where(
        ReferralCharge.referral_id == referral.id)).all()
    status = referral.status
    deltas = _state(referral, status, referral.decided_at if status in DECIDED else None,
                    referral.intake_completed_on if status is Status.INTAKE_COMPLETED else None)
    deltas.update({(ReportChargeCell, (("code", code),)): 1 for code, _ in charges})
    _apply(_groups(referral, levels_mask(level for _, level in charges)),
           Counter({cell: sign * n for cell, n in deltas.items()}))


def _groups(referral: Referral, levels: int) -> dict:
    return {"submitted_on": referral.submitted_at.astimezone(UTC).date(),
            "route": referral.route, "organisation_id": referral.organisation_id,
            "race_group": referral.race_group or NOT_RECORDED,
            "ethnicity": referral.ethnicity or NOT_RECORDED, "levels": levels}


def _state(referral: Referral, status: Status, decided_at: datetime | None,
           intake_on: date | None) -> Counter:
    """The cells (table, extra key) a referral in this state counts in, as the recount has it."""
    cells = Counter({(ReportCell, (("status", status),)): 1})
    if decided_at is not None:
        days = (decided_at.astimezone(UTC).date()
                - referral.submitted_at.astimezone(UTC).date()).days
        cells[(ReportDayCell, (("measure", DECISION), ("days", days)))] += 1
        if status is Status.INTAKE_COMPLETED and intake_on is not None:
            days = (intake_on - decided_at.astimezone(UTC).date()).days
            cells[(ReportDayCell, (("measure", INTAKE), ("days", days)))] += 1
    return cells


def _stored_levels(referral_id: int) -> int:
    return levels_mask(db.session().scalars(select(ReferralCharge.level).where(
        ReferralCharge.referral_id == referral_id)))


def _apply(groups: dict, deltas: Counter) -> None:
    for (model, extra), delta in sorted(deltas.items(), key=lambda item: str(item[0])):
        if delta:
            _upsert(model.__table__, {**groups, **dict(extra)}, delta)


def _upsert(table, key: dict, delta: int) -> None:
    session = db.session()
    session.execute(upsert(table, key, delta, session.get_bind().dialect.name))


def upsert(table, key: dict, delta: int, dialect: str):
    """Add ``delta`` to the cell ``key``, made if missing: one statement, which the database
    runs atomically however many transactions add to the same cell at once."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = statement.values(**key, n=delta)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key],
        set_={"n": table.c.n + statement.excluded.n})


# --- recounted ---------------------------------------------------------------------------------

def rebuild(connection) -> dict[str, int]:
    """Every cell recounted from the referrals (``connection``: a session or a connection, in
    its transaction). Returns the rows written per table."""
    models = (ReportCell, ReportDayCell, ReportChargeCell)
    for model in models:
        connection.execute(delete(model.__table__))
    for model, query in _recounts():
        columns = [c.name for c in model.__table__.columns]
        connection.execute(insert(model.__table__).from_select(columns, query))
    # Counted afterwards: the driver does not always tell how many rows an INSERT ... SELECT wrote.
    return {model.__tablename__: connection.execute(
        select(func.count()).select_from(model.__table__)).scalar() for model in models}


def differences(connection) -> dict[str, dict]:
    """Per table, the cells whose stored count is not the recount: key -> (stored, recounted).
    Empty when every cell is right."""
    result: dict[str, dict] = {}
    for model in (ReportCell, ReportDayCell, ReportChargeCell):
        stored = _as_counts(connection.execute(select(model.__table__)))
        recounted: Counter = Counter()
        for recounted_model, query in _recounts():
            if recounted_model is model:
                recounted.update(_as_counts(connection.execute(query)))
        keys = set(stored) | set(recounted)
        wrong = {k: (stored[k], recounted[k]) for k in keys if stored[k] != recounted[k]}
        if wrong:
            result[model.__tablename__] = wrong
    return result


def _as_counts(rows) -> Counter:
    """Rows whose last column is the count, as key -> count (zeros left out, as the report
    leaves them out)."""
    counts: Counter = Counter()
    for row in rows:
        *key, n = row
        if n:
            counts[tuple(str(getattr(v, "value", v)) for v in key)] += n
    return counts


def _recounts() -> list:
    levels = select(ReferralCharge.referral_id, func.sum(distinct(case(
        *((ReferralCharge.level == level, bit) for level, bit in LEVEL_BITS.items()),
        else_=0))).label("levels")).group_by(ReferralCharge.referral_id).subquery()
    groups = _recount_groups(Referral, func.coalesce(levels.c.levels, literal_column("0")))
    referrals = (lambda *columns: select(*groups, *columns, func.count())
                 .select_from(Referral).outerjoin(levels, levels.c.referral_id == Referral.id)
                 .where(Referral.status != Status.DRAFT, Referral.submitted_at.is_not(None)))
    decision = days_between(Referral.submitted_at, Referral.decided_at)
    intake = days_between(Referral.decided_at, Referral.intake_completed_on)
    charge_groups = _recount_groups(ReferralCharge, levels.c.levels)
    return [
        (ReportCell, referrals(Referral.status).group_by(*groups, Referral.status)),
        (ReportDayCell, referrals(literal(DECISION), decision)
         .where(Referral.decided_at.is_not(None)).group_by(*groups, decision)),
        (ReportDayCell, referrals(literal(INTAKE), intake)
         .where(Referral.status == Status.INTAKE_COMPLETED, Referral.decided_at.is_not(None),
                Referral.intake_completed_on.is_not(None)).group_by(*groups, intake)),
        (ReportChargeCell, select(*charge_groups, ReferralCharge.code, func.count())
         .join(levels, levels.c.referral_id == ReferralCharge.referral_id)
         .group_by(*charge_groups, ReferralCharge.code)),
    ]


def _recount_groups(source, levels) -> list:
    """Constants written into the SQL, not bound: PostgreSQL sees a grouped expression with a
    parameter in the SELECT and the GROUP BY as two different expressions."""
    blank = literal_column("''")
    return [day_of(source.submitted_at), source.route, source.organisation_id,
            func.coalesce(source.race_group, blank), func.coalesce(source.ethnicity, blank),
            levels]

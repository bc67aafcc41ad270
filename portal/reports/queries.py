"""The SQL aggregates behind every report: a few GROUP BY queries over one period's cells.

Each query reads the cells of the period (models.py, kept current by cells.py: a few hundred a
day, however many referrals there are) and returns a small table of counts: one row per
combination of the groups the report shows, never a row per referral. The report then adds
those rows up into its tables (tables.py). Dates are UTC dates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, false, func, literal_column, select
from sqlalchemy.sql.expression import ColumnElement

from portal import db
from portal.accounts.models import PARTNER_KINDS, Organisation
from portal.reports.cells import DECISION, INTAKE, LEVEL_BITS, levels_in
from portal.reports.models import ReportCell, ReportChargeCell, ReportDayCell
from portal.reports.sql import month_of


@dataclass(frozen=True)
class Criteria:
    """The period (by submission date, both days included) and the filters."""

    start: date
    end: date
    route: str | None = None
    organisation_id: int | None = None
    level: str | None = None

    def as_detail(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "route": self.route,
                "organisation_id": self.organisation_id, "level": self.level}


def _cell_filters(cell, criteria: Criteria) -> list[ColumnElement]:
    where = [cell.submitted_on >= criteria.start, cell.submitted_on <= criteria.end]
    if criteria.route:
        where.append(cell.route == criteria.route)
    if criteria.organisation_id:
        where.append(cell.organisation_id == criteria.organisation_id)
    if criteria.level:
        bit = LEVEL_BITS.get(criteria.level)
        where.append(cell.levels.op("&")(literal_column(str(bit))) != 0 if bit else false())
    return where


def _recorded(column) -> ColumnElement:
    """A group as the referral has it: None where not recorded ('' in the cells)."""
    return func.nullif(column, literal_column("''")).label(column.key)


def _summed(cell, criteria: Criteria, groups, shown=None, *where) -> Select:
    """The cells' counts added up by ``groups`` (selected as ``shown``), zeros left out: a
    referral that moved on leaves its old cell at 0."""
    total = func.sum(cell.n)
    return select(*(shown or groups), total.label("n")) \
        .where(*_cell_filters(cell, criteria), *where).group_by(*groups).having(total > 0)


def _race_ethnicity(cell) -> tuple:
    return (cell.race_group, cell.ethnicity), (_recorded(cell.race_group),
                                               _recorded(cell.ethnicity))


def counts_query(criteria: Criteria) -> Select:
    """Referrals by route, status, partner, race and ethnicity (a few thousand rows at most)."""
    (race, ethnicity), shown = _race_ethnicity(ReportCell)
    groups = (ReportCell.route, ReportCell.status, ReportCell.organisation_id)
    return _summed(ReportCell, criteria, (*groups, race, ethnicity), (*groups, *shown))


def months_query(criteria: Criteria) -> Select:
    """Referrals by month of submission, race and ethnicity. Apart from the counts above, so
    that neither multiplies the other's groups by twelve."""
    month = month_of(ReportCell.submitted_on)
    (race, ethnicity), shown = _race_ethnicity(ReportCell)
    return _summed(ReportCell, criteria, (month, race, ethnicity),
                   (month.label("month"), *shown))


def decision_days_query(criteria: Criteria) -> Select:
    """How many referrals took each whole number of days from submission to decision."""
    return _histogram(criteria, DECISION)


def intake_days_query(criteria: Criteria) -> Select:
    """How many took each number of days from acceptance (the decision) to completed intake."""
    return _histogram(criteria, INTAKE)


def _histogram(criteria: Criteria, measure: str) -> Select:
    (race, ethnicity), shown = _race_ethnicity(ReportDayCell)
    return _summed(ReportDayCell, criteria, (race, ethnicity, ReportDayCell.days),
                   (*shown, ReportDayCell.days), ReportDayCell.measure == measure)


def charges_query(criteria: Criteria) -> Select:
    """Referrals naming each charge, by race and ethnicity."""
    (race, ethnicity), shown = _race_ethnicity(ReportChargeCell)
    return _summed(ReportChargeCell, criteria, (ReportChargeCell.code, race, ethnicity),
                   (ReportChargeCell.code, *shown))


def levels_query(criteria: Criteria) -> Select:
    """Referrals by the set of levels of their charges (``levels`` below counts each level)."""
    (race, ethnicity), shown = _race_ethnicity(ReportCell)
    return _summed(ReportCell, criteria, (ReportCell.levels, race, ethnicity),
                   (ReportCell.levels, *shown), ReportCell.levels != 0)


# Every aggregate the report runs, by name (the benchmark explains each one).
QUERIES = {"counts": counts_query, "months": months_query,
           "decision_days": decision_days_query,
           "intake_days": intake_days_query, "charges": charges_query, "levels": levels_query}


def _run(name: str, criteria: Criteria) -> list:
    return db.session().execute(QUERIES[name](criteria)).all()


def counts(criteria: Criteria) -> list:
    return _run("counts", criteria)


def months(criteria: Criteria) -> list:
    return _run("months", criteria)


def decision_days(criteria: Criteria) -> list:
    return _run("decision_days", criteria)


def intake_days(criteria: Criteria) -> list:
    return _run("intake_days", criteria)


def charges(criteria: Criteria) -> list:
    return _run("charges", criteria)


class LevelRow(NamedTuple):
    level: str
    race_group: str | None
    ethnicity: str | None
    n: int


def levels(criteria: Criteria) -> list[LevelRow]:
    """Referrals with at least one charge at each level (a referral counts once per level)."""
    totals: Counter = Counter()
    for row in _run("levels", criteria):
        for level in levels_in(row.levels):
            totals[(level, row.race_group, row.ethnicity)] += row.n
    return [LevelRow(*key, n) for key, n in totals.items()]


def partners() -> dict[int, str]:
    """Partner organisations by id, for the filter and the partner table."""
    rows = db.session().execute(select(Organisation.id, Organisation.name)
                                .where(Organisation.kind.in_(PARTNER_KINDS))
                                .order_by(Organisation.name)).all()
    return {row.id: row.name for row in rows}



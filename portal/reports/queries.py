"""The SQL aggregates behind every report: a few GROUP BY queries over one period.

Each query scans one index (see models.py) and returns a small table of counts: one row per
combination of the groups the report shows, never a row per referral. The report then adds
those rows up into its tables (tables.py). Dates are UTC dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Select, and_, distinct, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from portal import db
from portal.accounts.models import PARTNER_KINDS, Organisation
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.reports.models import ReferralCharge


@dataclass(frozen=True)
class Criteria:
    """The period (by submission date, both days included) and the filters."""

    start: date
    end: date
    route: str | None = None
    organisation_id: int | None = None
    level: str | None = None

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time.min, UTC),
                datetime.combine(self.end + timedelta(days=1), time.min, UTC))

    def as_detail(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "route": self.route,
                "organisation_id": self.organisation_id, "level": self.level}


class month_of(FunctionElement):  # noqa: N801 (an SQL function)
    """'YYYY-MM' of a timestamp."""

    type = Integer()
    inherit_cache = True


@compiles(month_of)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgres(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class days_between(FunctionElement):  # noqa: N801
    """Whole days from the first date (or timestamp's date) to the second."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday(date({second})) - julianday(date({first})) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgres(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({second} AS DATE) - CAST({first} AS DATE))"


def _referral_filters(criteria: Criteria) -> list[ColumnElement]:
    start, end = criteria.bounds
    where = [Referral.submitted_at >= start, Referral.submitted_at < end,
             Referral.status != Status.DRAFT]
    if criteria.route:
        where.append(Referral.route == criteria.route)
    if criteria.organisation_id:
        where.append(Referral.organisation_id == criteria.organisation_id)
    if criteria.level:
        charge = aliased(ReferralCharge)
        where.append(exists().where(charge.referral_id == Referral.id,
                                    charge.level == criteria.level))
    return where


def _charge_filters(criteria: Criteria) -> list[ColumnElement]:
    start, end = criteria.bounds
    where = [ReferralCharge.submitted_at >= start, ReferralCharge.submitted_at < end]
    if criteria.route:
        where.append(ReferralCharge.route == criteria.route)
    if criteria.organisation_id:
        where.append(ReferralCharge.organisation_id == criteria.organisation_id)
    if criteria.level:
        other = aliased(ReferralCharge)
        where.append(exists().where(other.referral_id == ReferralCharge.referral_id,
                                    other.level == criteria.level))
    return where


def counts_query(criteria: Criteria) -> Select:
    """Referrals by route, status, partner, race and ethnicity (a few thousand rows at most)."""
    groups = (Referral.route, Referral.status, Referral.organisation_id, Referral.race_group,
              Referral.ethnicity)
    return select(*groups, func.count().label("n")).where(*_referral_filters(criteria)) \
        .group_by(*groups)


def months_query(criteria: Criteria) -> Select:
    """Referrals by month of submission, race and ethnicity. Apart from the counts above, so
    that neither multiplies the other's groups by twelve."""
    month = month_of(Referral.submitted_at).label("month")
    groups = (month, Referral.race_group, Referral.ethnicity)
    return select(*groups, func.count().label("n")).where(*_referral_filters(criteria)) \
        .group_by(*groups)


def decision_days_query(criteria: Criteria) -> Select:
    """How many referrals took each whole number of days from submission to decision."""
    days = days_between(Referral.submitted_at, Referral.decided_at).label("days")
    return _histogram(criteria, days, Referral.decided_at.is_not(None))


def intake_days_query(criteria: Criteria) -> Select:
    """How many took each number of days from acceptance (the decision) to completed intake."""
    days = days_between(Referral.decided_at, Referral.intake_completed_on).label("days")
    return _histogram(criteria, days, and_(Referral.status == Status.INTAKE_COMPLETED,
                                           Referral.intake_completed_on.is_not(None)))


def _histogram(criteria: Criteria, days, condition) -> Select:
    groups = (Referral.race_group, Referral.ethnicity, days)
    return select(*groups, func.count().label("n")) \
        .where(*_referral_filters(criteria), condition).group_by(*groups)


def charges_query(criteria: Criteria) -> Select:
    """Referrals naming each charge, by race and ethnicity."""
    groups = (ReferralCharge.code, ReferralCharge.race_group, ReferralCharge.ethnicity)
    return select(*groups, func.count().label("n")).where(*_charge_filters(criteria)) \
        .group_by(*groups)


def levels_query(criteria: Criteria) -> Select:
    """Referrals with at least one charge at each level (a referral counts once per level)."""
    groups = (ReferralCharge.level, ReferralCharge.race_group, ReferralCharge.ethnicity)
    return select(*groups, func.count(distinct(ReferralCharge.referral_id)).label("n")) \
        .where(*_charge_filters(criteria)).group_by(*groups)


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


def levels(criteria: Criteria) -> list:
    return _run("levels", criteria)


def partners() -> dict[int, str]:
    """Partner organisations by id, for the filter and the partner table."""
    rows = db.session().execute(select(Organisation.id, Organisation.name)
                                .where(Organisation.kind.in_(PARTNER_KINDS))
                                .order_by(Organisation.name)).all()
    return {row.id: row.name for row in rows}



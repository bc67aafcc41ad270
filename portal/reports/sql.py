"""The few SQL functions the reports need, in each dialect (SQLite for development and tests,
PostgreSQL in production)."""

from __future__ import annotations

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class month_of(FunctionElement):  # noqa: N801 (an SQL function)
    """'YYYY-MM' of a date or timestamp."""

    type = String()
    inherit_cache = True


@compiles(month_of)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgres(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class day_of(FunctionElement):  # noqa: N801
    """The date of a (naive UTC) timestamp."""

    type = Date()
    inherit_cache = True


@compiles(day_of)
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _day_postgres(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


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

"""What reports group by, as columns: aggregating JSON at a million referrals would take seconds.

The reporting columns live on ``referrals`` (one row per person referred) and are set once, at
submission (``portal.reports.values``). They are added to the Referral model from here, so that
the referrals package need not know about reports; Alembic and the tests see them as columns of
``referrals`` like any other.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts.models import _enum
from portal.db import Base, UTCDateTime
from portal.referrals.models import Referral
from portal.referrals.states import Status

Referral.race_group = Column("race_group", String(40))
Referral.ethnicity = Column("ethnicity", String(20))
Referral.gender = Column("gender", String(20))
Referral.age_band = Column("age_band", String(10))

# One index serves the page's scans of a period: every column the counts and the durations read
# is in it, so PostgreSQL answers from the index alone (an index-only scan).
REPORTING_INDEX = Index(
    "ix_referrals_reporting", Referral.__table__.c.submitted_at, Referral.__table__.c.route,
    Referral.__table__.c.organisation_id, Referral.__table__.c.status,
    Referral.__table__.c.race_group, Referral.__table__.c.ethnicity,
    Referral.__table__.c.decided_at, Referral.__table__.c.intake_completed_on)


class ReferralCharge(Base):
    """One charge (or kind of conduct) of a submitted referral, with its level.

    The referral's facts that never change after submission are copied here, so that counting
    charges in a period reads this table alone, not a join with a million referrals."""

    __tablename__ = "referral_charges"
    __table_args__ = (
        Index("ix_referral_charges_reporting", "submitted_at", "route", "organisation_id",
              "code", "level", "race_group", "ethnicity", "referral_id"),
    )

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"),
                                             primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    route: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int] = mapped_column(Integer)
    race_group: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(20))


# --- the cells: the report's counts kept current, so that a year is a few thousand rows ---------
#
# Each cell counts the referrals submitted on one day (UTC) that share every group the report
# filters or counts by. Text groups not recorded are '' (a NULL in a key would never match an
# upsert's conflict), and ``levels`` is the referral's charge levels as bits (cells.LEVEL_BITS),
# so that the level filter reads the cell alone. portal/reports/cells.py keeps them.

class _CellKey:
    """The groups every cell has, first in its primary key (which serves a period's scan)."""

    submitted_on: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=-6)
    route: Mapped[str] = mapped_column(String(30), primary_key=True, sort_order=-5)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-4)
    race_group: Mapped[str] = mapped_column(String(40), primary_key=True, sort_order=-3)
    ethnicity: Mapped[str] = mapped_column(String(20), primary_key=True, sort_order=-2)
    levels: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)


class ReportCell(_CellKey, Base):
    """Referrals by day, groups and status (the counts, months and levels tables)."""

    __tablename__ = "report_cells"

    status: Mapped[Status] = mapped_column(_enum(Status), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ReportDayCell(_CellKey, Base):
    """How many referrals took ``days`` to the decision (measure "decision", for every decided
    referral) or from the decision to intake (measure "intake", for intake completed)."""

    __tablename__ = "report_day_cells"

    measure: Mapped[str] = mapped_column(String(10), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ReportChargeCell(_CellKey, Base):
    """Referrals naming each charge code (written at submission; charges never change)."""

    __tablename__ = "report_charge_cells"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)

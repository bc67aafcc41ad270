"""What reports group by, as columns: aggregating JSON at a million referrals would take seconds.

The reporting columns live on ``referrals`` (one row per person referred) and are set once, at
submission (``portal.reports.values``). They are added to the Referral model from here, so that
the referrals package need not know about reports; Alembic and the tests see them as columns of
``referrals`` like any other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime
from portal.referrals.models import Referral

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

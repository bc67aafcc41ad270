from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow


class ProsecutorAgency(Base):
    """A police agency whose arrest diversions a prosecutor's office receives (set by program
    administrators on the office's organization page)."""

    __tablename__ = "prosecutor_agencies"

    prosecutor_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True,
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProsecutorUpdate(Base):
    """An arrest diversion's latest change the prosecutor is told of (a decision, a withdrawal,
    intake, a deadline extension), and when: what the office's list shows and orders by."""

    __tablename__ = "prosecutor_updates"
    __table_args__ = (
        # The list: newest change first, by keyset, of the office's agencies (one agency's rows
        # in order from the first; several, or all of them, from the second).
        Index("ix_prosecutor_updates_agency_id_changed_at", "agency_id", "changed_at",
              "referral_id"),
        Index("ix_prosecutor_updates_changed_at_referral_id", "changed_at", "referral_id"),
    )

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), primary_key=True)
    # The referring police agency (the referral's organisation, which never changes), here so
    # that the list is read from this table's index, not from a scan of every referral.
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    change: Mapped[str] = mapped_column(String(30))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

"""The possible-duplicate pairs, kept when a referral is sent or corrected (portal/review/duplicates.py)
so that the queue reads a flag instead of matching names on every page. A pair is kept in both
directions: each referral's row lists the other."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class DuplicatePair(Base):
    __tablename__ = "duplicate_pairs"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"),
                                             primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)

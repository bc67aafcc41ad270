"""The case manager of an accepted referral (every assignment kept: the latest is current) and
the attempts to reach the person before intake."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db import Base, UTCDateTime, utcnow


class CaseManagerAssignment(Base):
    """A program user, or a named agency (with an optional contact there). A new assignment is a
    new row, so the history of who managed the case stays."""

    __tablename__ = "case_manager_assignments"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (agency IS NULL)", name="user_or_agency"),
        CheckConstraint("agency_contact IS NULL OR agency IS NOT NULL",
                        name="contact_only_for_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency: Mapped[str | None] = mapped_column(String(200))  # program staff only
    agency_contact: Mapped[str | None] = mapped_column(String(200))  # program staff only
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id], lazy="joined")

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.name
        return f"{self.agency} ({self.agency_contact})" if self.agency_contact else self.agency


class ContactAttempt(Base):
    """One try at reaching the person: when, how, and what came of it (codes of
    portal/casework/vocabulary.py), with an optional note for program staff."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    attempted_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)  # program staff only
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship(lazy="joined")

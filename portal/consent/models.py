from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User, _enum
from portal.db import Base, UTCDateTime, utcnow


class ConsentStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOCATION_PENDING = "revocation_pending"  # asked for before the consent may be revoked
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {"active": "Given", "revocation_pending": "Revocation requested (takes effect later)",
                "revoked": "Revoked"}[self.value]


class Consent(Base):
    """What the person signed: the exact text version and language shown, and the signature."""

    __tablename__ = "consents"
    __table_args__ = (CheckConstraint("confirmed", name="confirmed_by_the_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    text_id: Mapped[str] = mapped_column(String(100))
    text_version: Mapped[str] = mapped_column(String(50))
    text_sha256: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    signature: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    witness_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Arrest diversion: the consent cannot be revoked before this day (the end of intake).
    revocable_from: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ConsentStatus] = mapped_column(_enum(ConsentStatus), default=ConsentStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    witness: Mapped[User] = relationship(lazy="joined")
    revocations: Mapped[list[Revocation]] = relationship(order_by="Revocation.id")


class Revocation(Base):
    """A person's revocation of consent, as recorded by a partner or coordinator."""

    __tablename__ = "consent_revocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="joined")

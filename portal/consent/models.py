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


class ConsentFlag(enum.StrEnum):
    """What the queue and lists flag about a consent (worked out for a day, never stored)."""

    REVOCATION_PENDING = "revocation_pending"
    REVOKED = "revoked"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {"revocation_pending": "Revocation pending", "revoked": "Consent revoked",
                "expired": "Consent expired"}[self.value]

    @property
    def ended(self) -> bool:
        """Disclosure outside the program has stopped."""
        return self is not ConsentFlag.REVOCATION_PENDING


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
    # The last day the consent allows disclosure: signed_on plus the text's term in calendar
    # months. Empty only for a consent whose text was unknown when the column was added.
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    witness: Mapped[User] = relationship(lazy="joined")
    revocations: Mapped[list[Revocation]] = relationship(order_by="Revocation.id")

    def has_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


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

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow


class OrgKind(enum.StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"
    COMMUNITY_PARTNER = "community_partner"
    PROGRAM = "program"
    PROSECUTOR = "prosecutor"  # reads the outcome of its linked agencies' arrest diversions

    @property
    def label(self) -> str:
        return {"law_enforcement": "Law-enforcement agency", "community_partner": "Community partner",
                "program": "LEAD program", "prosecutor": "Prosecutor's office"}[self.value]


class Role(enum.StrEnum):
    REFERRER = "referrer"
    PARTNER_ADMIN = "partner_admin"
    COORDINATOR = "coordinator"
    PROGRAM_ADMIN = "program_admin"
    PROSECUTOR = "prosecutor"  # a prosecutor's office's staff

    @property
    def label(self) -> str:
        return {"referrer": "Referrer", "partner_admin": "Partner administrator",
                "coordinator": "Coordinator", "program_admin": "Program administrator",
                "prosecutor": "Prosecutor's office staff"}[self.value]


PARTNER_ROLES = (Role.REFERRER, Role.PARTNER_ADMIN)
PROGRAM_ROLES = (Role.COORDINATOR, Role.PROGRAM_ADMIN)


PROSECUTOR_ROLES = (Role.PROSECUTOR,)
# The organisations that refer people (a queue's or a report's "partners"): not the program, and
# not a prosecutor's office, which only reads outcomes.
PARTNER_KINDS = (OrgKind.LAW_ENFORCEMENT, OrgKind.COMMUNITY_PARTNER)


def roles_for(kind: OrgKind) -> tuple[Role, ...]:
    """Partner organisations hold referrers and their administrators; the program holds its staff;
    a prosecutor's office its staff, whom program administrators invite (it refers nobody)."""
    if kind is OrgKind.PROGRAM:
        return PROGRAM_ROLES
    return PROSECUTOR_ROLES if kind is OrgKind.PROSECUTOR else PARTNER_ROLES


def _enum(cls, name: str | None = None):
    """An enum stored as text with a CHECK constraint (named ``name``: unique per table)."""
    return Enum(cls, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e],
                validate_strings=True, create_constraint=True, name=name or cls.__name__.lower())


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation", order_by="User.name")

    @property
    def is_partner(self) -> bool:
        return self.kind in PARTNER_KINDS


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    phone: Mapped[str | None] = mapped_column(String(40))
    badge_number: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so that a code works once.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When they last opened their home page: its "what needs you" lists what changed since.
    home_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None and self.enrolled

    def get_id(self) -> str:
        return str(self.id)

    @property
    def enrolled(self) -> bool:
        """Has accepted the invitation: a password and an authenticator app."""
        return self.password_hash is not None and self.totp_secret is not None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def status(self, now: datetime) -> str:
        if self.disabled_at is not None:
            return "Disabled"
        if not self.enrolled:
            return "Invited"
        return "Locked" if self.is_locked(now) else "Active"

    @property
    def is_program_staff(self) -> bool:
        return self.role in PROGRAM_ROLES


class UserSession(Base):
    """A server-side session record: the cookie holds only a random token whose hash is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    source_address: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="joined")


class Invitation(Base):
    """A single-use, expiring link with which an invited user sets a password and enrols MFA."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class PasswordReset(Base):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

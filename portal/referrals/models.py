from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User, _enum
from portal.db import Base, UTCDateTime, utcnow
from portal.referrals.answers import ROUTES
from portal.referrals.states import Status


class Referral(Base):
    """One person referred by one partner. A draft until submitted; ``answers`` is the current
    version of what the partner entered, page by page."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("status = 'draft' OR (reference IS NOT NULL AND submitted_at IS NOT NULL "
                        "AND legal_name IS NOT NULL AND date_of_birth IS NOT NULL)",
                        name="submitted_has_reference"),
        CheckConstraint(f"route IN ({', '.join(repr(r) for r in ROUTES)})", name="route_known"),
        Index("ix_referrals_organisation_status", "organisation_id", "status"),
        # The database is the last guard of the workflow: a decided referral has its decider.
        CheckConstraint("status NOT IN ('accepted', 'declined', 'intake_completed', 'intake_missed')"
                        " OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
                        name="decided_has_decider"),
        CheckConstraint("status <> 'declined' OR (decline_reason IS NOT NULL AND declined_by IN "
                        "('program', 'person'))", name="declined_has_reason"),
        CheckConstraint("status <> 'intake_completed' OR intake_completed_on IS NOT NULL",
                        name="intake_completed_has_date"),
        CheckConstraint("claimed_by_id IS NULL OR (claimed_at IS NOT NULL AND status IN "
                        "('in_review', 'needs_information'))", name="claim_only_while_open"),
        CheckConstraint("override_justification IS NULL OR status IN ('accepted', "
                        "'intake_completed', 'intake_missed')", name="override_only_on_accept"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(12), unique=True)
    route: Mapped[str] = mapped_column(String(30))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.DRAFT, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    referrer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    partner_note: Mapped[str | None] = mapped_column(Text)
    # What was posted on a page and not (yet) kept as answers, as posted: portal/referrals/drafts.py.
    pending: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Copied from the answers at submission, for matching and the queue.
    legal_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    screening_decision: Mapped[str | None] = mapped_column(String(20))
    intake_deadline: Mapped[date | None] = mapped_column(Date)
    respond_by: Mapped[date | None] = mapped_column(Date)  # the route's response target (queue order)
    # The review: who holds it, and the decision.
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    declined_by: Mapped[str | None] = mapped_column(String(10))
    decision_note: Mapped[str | None] = mapped_column(Text)  # program staff only
    partner_message: Mapped[str | None] = mapped_column(Text)  # the decision, to the partner
    override_justification: Mapped[str | None] = mapped_column(Text)
    intake_completed_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: an update made on a stale copy fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    referrer: Mapped[User] = relationship(foreign_keys=[referrer_id], lazy="joined")
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[ReferralEvent]] = relationship(order_by="ReferralEvent.id",
                                                       back_populates="referral")


class ReferralEvent(Base):
    """A transition: who, when, from, to and why: ``reason`` for program staff, and
    ``partner_message`` for the referring partner too (what a partner wrote is theirs to read)."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[Status] = mapped_column(_enum(Status, "from_status"))
    to_status: Mapped[Status] = mapped_column(_enum(Status, "to_status"))
    reason: Mapped[str | None] = mapped_column(Text)  # program staff only
    partner_message: Mapped[str | None] = mapped_column(Text)  # the referring partner reads it

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class ReferralVersion(Base):
    """The answers as submitted, and as amended after each request for information."""

    __tablename__ = "referral_versions"
    __table_args__ = (UniqueConstraint("referral_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Screening(Base):
    """The eligibility result of one version of the answers, with the ruleset that produced it."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    facts: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[str] = mapped_column(String(50))
    ruleset_sha256: Mapped[str] = mapped_column(String(64))
    screened_on: Mapped[date] = mapped_column(Date)
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InformationRequest(Base):
    """A coordinator's question back to the partner, and the partner's answer."""

    __tablename__ = "information_requests"
    __table_args__ = (
        CheckConstraint("(answered_at IS NULL) = (answer IS NULL)", name="answer_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The pages the coordinator ticked for correcting (step slugs), and the partner's corrected
    # answers to them (slug -> the page as its form dumped it), held here until the reply is
    # sent: the referral's answers change only then, all at once.
    pages: Mapped[list | None] = mapped_column(JSON)
    corrections: Mapped[dict | None] = mapped_column(JSON)

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id], lazy="joined")

    @property
    def ticked(self) -> tuple[str, ...]:
        return tuple(self.pages or ())

    @property
    def corrected(self) -> dict:
        return dict(self.corrections or {})


class ReviewNote(Base):
    """A coordinator's working note on a referral (not shown to the partner)."""

    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship(lazy="joined")


class DeadlineExtension(Base):
    """A coordinator moved a referral's intake deadline later. ``reason`` is for program staff
    only: the prosecutor is told the new date, never why."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        CheckConstraint("new_deadline > old_deadline", name="extension_is_later"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    old_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    extended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    extended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    extended_by: Mapped[User] = relationship(lazy="joined")

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One email, written in the transaction of the change that causes it.

    Pending while ``next_attempt_at`` is set (the delivery worker's index); a worker claims a row
    by setting ``claimed_until`` (a lease) before it talks to the SMTP server, so two workers
    never send it twice. Sent: ``sent_at``; given up after the last attempt: ``failed_at``.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), server_default="email")
    recipient: Mapped[str] = mapped_column(String(254))
    # The user it is for, when it is for a user (notices): not a foreign key, so that the
    # outbox keeps its record of what was sent if an account is ever removed.
    recipient_user_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # the text part
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True,
                                                             default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.failed_at is not None else "waiting"


class NoticeChoice(Base):
    """A user's choice for one optional notice (see portal/notifications/kinds.py).

    No row means the notice's default for the user's role.
    """

    __tablename__ = "notice_choices"
    __table_args__ = (UniqueConstraint("user_id", "notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notice: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DigestSent(Base):
    """One coordinator's digest of one day: the unique pair makes `lead-portal digest` safe to
    run twice, or from cron and the loop at once."""

    __tablename__ = "notice_digests"
    __table_args__ = (UniqueConstraint("user_id", "digest_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""The delivery worker: claim due messages, send them over SMTP, record each outcome.

A pass claims up to ``BATCH`` due messages in one short transaction (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so two workers take different rows; SQLite's BEGIN IMMEDIATE lets one process
claim at a time), by writing a lease (``claimed_until``) that other workers respect. It then sends
them over one SMTP connection and commits each outcome on its own, so a crash can repeat at most
the one message that was being sent. A failure is retried after 1, 2, 4, ... times
``outbox_retry_seconds``, and given up after ``outbox_max_attempts``.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

from sqlalchemy import or_, select, update

from portal.config import Settings
from portal.db import Database, utcnow
from portal.notifications.models import OutboxMessage

log = logging.getLogger(__name__)
BATCH = 50
LEASE = timedelta(minutes=15)


@dataclass
class Pass:
    sent: int = 0
    failed: int = 0  # attempts that failed (retried later or given up)

    @property
    def claimed(self) -> int:
        return self.sent + self.failed


def deliver_pending(settings: Settings, database: Database, worker: str,
                    now: datetime | None = None) -> Pass:
    """One pass: every due message, in batches, until none is left. Needs SMTP configured."""
    result = Pass()
    while True:
        messages = claim(database, worker, now or utcnow())
        if not messages:
            return result
        with Mailer(settings) as mailer:
            for message in messages:
                if send_one(settings, database, mailer, message, worker):
                    result.sent += 1
                else:
                    result.failed += 1


def claim(database: Database, worker: str, now: datetime,
          limit: int = BATCH) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages to ``worker``; returns them, loaded, oldest first."""
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    with database.new_session() as session, session.begin():
        due = (select(OutboxMessage.id).where(OutboxMessage.next_attempt_at <= now, free)
               .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if not ids:
            return []
        # The UPDATE checks the lease again, so a row is never claimed twice even where the
        # SELECT took no lock; SKIP LOCKED only spares the second worker the wait.
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), free)
                        .values(claimed_until=now + LEASE, claimed_by=worker))
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
            OutboxMessage.claimed_until == now + LEASE).order_by(OutboxMessage.id)))


def send_one(settings: Settings, database: Database, mailer: Mailer, message: OutboxMessage,
             worker: str) -> bool:
    error = mailer.send(compose(settings, message))
    with database.new_session() as session, session.begin():
        mine = (OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker)
        session.execute(update(OutboxMessage).where(*mine).values(
            **_outcome(settings, message.attempts + 1, error)))
    if error:
        log.warning("email %s not sent (attempt %s): %s", message.id, message.attempts + 1, error)
    return error is None


def _outcome(settings: Settings, attempts: int, error: str | None) -> dict:
    now = utcnow()
    done = {"attempts": attempts, "claimed_until": None, "claimed_by": None}
    if error is None:
        # Once sent, the row keeps who, what kind and when, not the words: an invitation's or a
        # reset's link is a credential until it expires, and no one needs it from here.
        return {**done, "sent_at": now, "next_attempt_at": None, "last_error": None,
                "body": "", "html_body": None}
    if attempts >= settings.outbox_max_attempts:
        return {**done, "failed_at": now, "next_attempt_at": None, "last_error": error[:500]}
    delay = timedelta(seconds=settings.outbox_retry_seconds * 2 ** (attempts - 1))
    return {**done, "next_attempt_at": now + delay, "last_error": error[:500]}


def compose(settings: Settings, message: OutboxMessage) -> MIMEMultipart:
    """The email: a text part and an HTML part. The older MIME classes, not EmailMessage: they
    build the same message in about a third of the time, which is most of a send's cost."""
    email = MIMEMultipart("alternative")
    name, address = parseaddr(settings.mail_sender)
    email["From"] = formataddr((name, address), "utf-8")
    email["To"] = message.recipient
    email["Subject"] = Header(message.subject, "utf-8")
    email["Date"] = formatdate(localtime=False)
    # One id per outbox row, the same on every attempt: a receiving server or mail client can
    # tell a repeat (after a crash between sending and recording it) from a new message.
    domain = address.rpartition("@")[2] or "lead.invalid"
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email.attach(MIMEText(message.body, "plain", "utf-8"))
    if message.html_body:
        email.attach(MIMEText(message.html_body, "html", "utf-8"))
    return email


class Mailer:
    """One SMTP connection for a batch, opened on first use and reopened after a failure."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc) -> None:
        self._close()

    def send(self, email: MIMEMultipart) -> str | None:
        """None when the server accepted the message, else the error."""
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password or "")
        return smtp

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

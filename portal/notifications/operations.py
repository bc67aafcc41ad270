from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from portal import db
from portal.notifications.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue_email(recipient: str, subject: str, body: str) -> OutboxMessage | None:
    """Queue an email in the current transaction; it is sent once the transaction commits.

    Without SMTP configured nothing is queued: the link is shown on screen instead.
    """
    settings = current_app.extensions["portal.settings"]
    if not settings.smtp_host:
        if not settings.production:
            # A newcomer without a mail server still needs the password-reset link.
            log.warning("SMTP is not configured; email to %s not sent:\n%s", recipient, body)
        return None
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session().add(message)
    db.after_commit(deliver_pending)
    return message


def deliver_pending() -> int:
    """Send every unsent message, each in its own short transaction. Returns how many were sent."""
    settings = current_app.extensions["portal.settings"]
    outbox = db.database().new_session()
    sent = 0
    try:
        pending = outbox.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
        ).all()
        for message in pending:
            sent += _send(settings, message)
            outbox.commit()
    finally:
        outbox.close()
    return sent


def _send(settings, message: OutboxMessage) -> int:
    email = EmailMessage()
    email["From"] = settings.mail_sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    message.attempts += 1
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        # Kept for the next attempt; the sender was shown the link on screen anyway.
        message.last_error = str(error)[:500]
        log.warning("email %s not sent: %s", message.id, error)
        return 0
    message.sent_at = db.utcnow()
    return 1

"""Reads of the outbox, for program administrators only (the routes check the role)."""

from __future__ import annotations

from sqlalchemy import or_, select

from portal import db
from portal.notifications.models import OutboxMessage

SHOWN = 100


def kept_messages() -> list[OutboxMessage]:
    """Development without SMTP: the newest messages, as a mail client would list them."""
    return list(db.session().scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)))


def message(message_id: int) -> OutboxMessage | None:
    return db.session().get(OutboxMessage, message_id)


def troubled_messages() -> list[OutboxMessage]:
    """Given up, or waiting after a failed attempt: oldest first."""
    return list(db.session().scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None),
               or_(OutboxMessage.failed_at.is_not(None), OutboxMessage.last_error.is_not(None)))
        .order_by(OutboxMessage.failed_at.is_(None), OutboxMessage.id).limit(SHOWN)))

"""Driving the outbox from tests: one delivery pass, as `lead-portal outbox deliver` runs it."""

from __future__ import annotations

from sqlalchemy import select

from portal.notifications.delivery import deliver_pending
from portal.notifications.models import OutboxMessage


def deliver(app, worker: str = "test-worker", now=None):
    """One pass of the worker, on the app's database (inside the test's transaction)."""
    return deliver_pending(app.extensions["portal.settings"], app.extensions["portal.db"], worker,
                           now=now)


def outbox(session, **filters) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
    return list(session.scalars(query))


def text_of(message) -> str:
    """The text part of a received email (each has a text and an HTML part)."""
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()

"""Driving the outbox from tests: one delivery pass, as `lead-portal outbox deliver` runs it."""

from __future__ import annotations

import re

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


# What the test referrals hold (tests/referrals/builders.py, tests/stored_answers.py): none of it
# may be in a notice.
FORBIDDEN = ["José", "Jose", "O'Neil", "O&#39;Neil", "Joe", "1990", "3/7/1990", "03/07",
             "Shoplifting", "shoplifting", "Trespassing", "trespassing", "camping", "Camping",
             "substance", "detox", "Cooperative", "housing", "unsheltered", "bridge",
             "303 555 0142", "hispanic", "library", "24-0001"]


def received(mailbox, subject_part: str = "") -> dict[str, list]:
    """Each recipient's messages (those whose subject holds ``subject_part``), as
    (subject, text, html)."""
    found: dict[str, list] = {}
    for message in mailbox.messages():
        if subject_part in message["Subject"]:
            found.setdefault(message["To"], []).append(
                (message["Subject"], text_of(message), html_of(message)))
    return found


def assert_notice(message, reference: str, link: str) -> None:
    subject, text, html = message
    assert reference in subject and reference in text and reference in html
    assert link in text and f'href="{link}"' in html
    for word in FORBIDDEN:
        assert word not in subject + text + html, word
    # Every link in the email is the configured PUBLIC_URL and names no person.
    for url in re.findall(r"https?://[^\s\"<]+", text + html):
        assert url.startswith("http://localhost/"), url

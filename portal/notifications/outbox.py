"""Writing email to the outbox, in the transaction of the change that causes it.

Always written, with or without SMTP: the delivery worker sends it (`lead-portal outbox
deliver`), or, in development without SMTP, it stays at the "Sent mail" page. Nothing here talks
to a mail server, so a request takes the same time whatever is queued.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, render_template

from portal import db
from portal.notifications.kinds import ACCOUNT_SUBJECTS, NOTICES
from portal.notifications.models import OutboxMessage


def queue_email(kind: str, recipient: str, *, user_id: int | None = None,
                **context) -> OutboxMessage:
    """Render templates/notifications/<kind>.txt and .html with ``context`` and queue them."""
    settings = current_app.extensions["portal.settings"]
    context = {"settings": settings, **context}
    message = OutboxMessage(
        kind=kind, recipient=recipient, recipient_user_id=user_id,
        subject=subject_of(kind, context),
        body=render_template(f"notifications/{kind}.txt", **context),
        html_body=render_template(f"notifications/{kind}.html", **context))
    db.session().add(message)
    return message


def subject_of(kind: str, context: dict) -> str:
    if kind in ACCOUNT_SUBJECTS:
        return ACCOUNT_SUBJECTS[kind]
    return NOTICES[kind].subject.format(**context)


def link_to(endpoint: str, **values) -> str:
    """A link for an email: the configured PUBLIC_URL, never the request's Host header.

    Built from the URL map directly, not inside a test request context: popping one runs the
    request teardown, which would close the unit of work's session (the command line)."""
    public = urlsplit(current_app.extensions["portal.settings"].public_url)
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/",
                                       url_scheme=public.scheme)
    return f"{public.scheme}://{public.netloc}{adapter.build(endpoint, values)}"

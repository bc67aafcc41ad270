"""Writing email to the outbox, in the transaction of the change that causes it.

Always written, with or without SMTP: the delivery worker sends it (`lead-portal outbox
deliver`), or, in development without SMTP, it stays at the "Sent mail" page. Nothing here talks
to a mail server, so a request takes the same time whatever is queued.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, render_template

from portal import db
from portal.notifications.models import OutboxMessage


# Account email: always sent, to the person it concerns; not a notice anyone can turn off.
ACCOUNT_SUBJECTS = {
    "invitation": "You are invited to the LEAD Referral Portal",
    "password_reset": "Reset your LEAD Referral Portal password",
    "invite_attempted": "Someone tried to invite you to the LEAD Referral Portal",
}


def queue_email(kind: str, recipient: str, *, user_id: int | None = None,
                subject: str | None = None, **context) -> OutboxMessage:
    """Render templates/notifications/<kind>.txt and .html with ``context`` and queue them.
    ``subject``: a notice's own (portal/notices); account email has its subject here."""
    settings = current_app.extensions["portal.settings"]
    context = {"settings": settings, **context}
    message = OutboxMessage(
        kind=kind, recipient=recipient, recipient_user_id=user_id,
        subject=subject or ACCOUNT_SUBJECTS[kind],
        body=render_template(f"notifications/{kind}.txt", **context),
        html_body=render_template(f"notifications/{kind}.html", **context))
    db.session().add(message)
    return message


def link_to(endpoint: str, **values) -> str:
    """A link for an email: the configured PUBLIC_URL, never the request's Host header.

    Built from the URL map directly, not inside a test request context: popping one runs the
    request teardown, which would close the unit of work's session (the command line)."""
    public = urlsplit(current_app.extensions["portal.settings"].public_url)
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/",
                                       url_scheme=public.scheme)
    return f"{public.scheme}://{public.netloc}{adapter.build(endpoint, values)}"

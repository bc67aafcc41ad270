"""`lead-portal outbox deliver [--loop] [--digest]` and `lead-portal digest`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import transaction, utcnow
from portal.notifications.delivery import deliver_pending
from portal.notices.digest import send_digests
from portal.notifications.worker import Loop, worker_name


@click.group()
def outbox() -> None:
    """The outbox: email written by the portal, sent by a worker."""


@outbox.command()
@click.option("--loop", is_flag=True, help="Keep running: deliver, sleep OUTBOX_POLL_SECONDS, "
              "again, until SIGTERM or SIGINT.")
@click.option("--digest", "with_digest", is_flag=True,
              help="With --loop: also send the weekday digest once a day (from 07:00).")
@with_appcontext
def deliver(loop: bool, with_digest: bool) -> None:
    """Send every message that is due (one pass), or keep sending with --loop."""
    settings = current_app.extensions["portal.settings"]
    database = current_app.extensions["portal.db"]
    if loop:
        app = current_app._get_current_object()
        Loop(settings, database, digest=(lambda: _digest(app)) if with_digest else None).run()
        return
    if not settings.smtp_host:
        click.echo("SMTP is not configured (SMTP_HOST): messages are kept, not sent; program "
                   "administrators read them at /admin/mail.")
        return
    result = deliver_pending(settings, database, worker_name())
    click.echo(f"{result.sent} sent, {result.failed} failed (to be retried or given up).")


@click.command()
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The program's day to send the digest for (default: today).")
@with_appcontext
def digest(day) -> None:
    """Queue each coordinator's weekday digest; running it twice a day sends nothing more."""
    count = _digest(current_app, day.date() if day else None)
    click.echo(f"{count} digest(s) queued.")


def _digest(app, day: date | None = None) -> int:
    settings = app.extensions["portal.settings"]
    today = day or datetime.now(ZoneInfo(settings.timezone)).date()
    with transaction(app):
        return send_digests(app.extensions["portal.ruleset"], today, utcnow())

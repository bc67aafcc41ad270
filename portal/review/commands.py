from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.consent.operations import apply_due_revocations
from portal import db
from portal.db import transaction
from portal.review.duplicates import fill
from portal.review.operations import mark_missed_deadlines


@click.command()
@click.option("--on", "today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day to judge deadlines on (default: today).")
@with_appcontext
def deadlines(today) -> None:
    """Mark accepted referrals whose intake deadline passed without intake as intake missed,
    and put into effect the revocations whose day has come.

    Run it daily from cron; running it twice marks nothing twice."""
    day = today.date() if today else date.today()
    with transaction(current_app):
        missed = mark_missed_deadlines(day)
        references = [referral.reference for referral in missed]
        revoked = len(apply_due_revocations(day))
    click.echo(f"{len(references)} referral(s) marked intake missed"
               + (": " + ", ".join(references) if references else "."))
    click.echo(f"{revoked} revocation(s) took effect.")


@click.command("duplicates")
@with_appcontext
def rebuild_duplicates() -> None:
    """Make every possible-duplicate pair again from the referrals sent.

    Pairs are kept as referrals are sent; two of one person sent at the same moment (each in its
    own transaction) do not see each other. Safe to run at any time, for example nightly."""
    with transaction(current_app):
        pairs = fill(db.session().connection())
    click.echo(f"{pairs // 2} possible-duplicate pair(s) kept.")

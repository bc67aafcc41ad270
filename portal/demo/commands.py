from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.accounts import mfa
from portal.db import transaction
from portal.demo import accounts
from portal.demo.referrals import generate
from portal.demo.workflow import load_referrals


def _refuse_in_production() -> None:
    if current_app.extensions["portal.settings"].production:
        raise click.ClickException("demo data is for development only; LEAD_ENV is production")


@click.group(invoke_without_command=True)
@click.option("--referrals", "referral_count", type=click.IntRange(0, 5_000_000), default=0,
              help="Also add this many generated referrals (most closed, a few thousand open).")
@click.pass_context
@with_appcontext
def demo(context: click.Context, referral_count: int) -> None:
    """Load the demo organisations, accounts and a few dozen referrals (again, safely) and print
    how to sign in."""
    _refuse_in_production()
    if context.invoked_subcommand is not None:
        return
    with transaction(current_app):
        loaded = accounts.load_accounts()
    with transaction(current_app):
        made = load_referrals()
    if made:
        click.echo(f"Added {made} demo referrals, in every state of the workflow.\n")
    if referral_count:
        with transaction(current_app):
            generate(referral_count)
        click.echo(f"Added {referral_count:,} referrals.\n")
    click.echo(f"Demo accounts (password for each: {accounts.PASSWORD})\n")
    click.echo(f"{'Email':<24} {'Role':<26} {'Organization':<28} TOTP secret")
    for account in loaded:
        click.echo(f"{account.email:<24} {account.role.label:<26} {account.organisation:<28} "
                   f"{account.totp_secret}")
    click.echo("\nAdd a secret to an authenticator app, or print the current code with "
               "`lead-portal demo code EMAIL`.")


@demo.command()
@click.argument("email")
@with_appcontext
def code(email: str) -> None:
    """Print the current 6-digit code of a demo account."""
    _refuse_in_production()
    account = accounts.find(email)
    if account is None:
        raise click.ClickException(f"{email} is not a demo account")
    click.echo(mfa.current_code(account.totp_secret))

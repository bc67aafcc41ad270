"""The `lead-portal` command: serve, migrate, demo data, screening and rules."""

from __future__ import annotations

import os

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import FlaskGroup, run_command, with_appcontext

from portal import create_app
from portal.config import ROOT
from portal.demo.commands import demo
from portal.notices.commands import digest, outbox
from portal.reports.commands import report, reports
from portal.review.commands import deadlines, rebuild_duplicates
from portal.screening_commands import rules, screen


def _app(*_args, **_kwargs):
    return create_app()


cli = FlaskGroup(create_app=_app, help="The LEAD referral portal.")


@click.pass_context
def _serve(context: click.Context, **options) -> None:
    """Flask's own `run`, which first records where it serves: the app, loaded after this,
    makes its links (PUBLIC_URL unset, in development) to that host and port."""
    os.environ["FLASK_RUN_HOST"] = options["host"]
    os.environ["FLASK_RUN_PORT"] = str(options["port"])
    context.invoke(run_command.callback, **options)


cli.add_command(click.Command("run", callback=_serve, params=run_command.params,
                              help=run_command.help, short_help=run_command.short_help))
cli.add_command(screen)
cli.add_command(rules)
cli.add_command(demo)
cli.add_command(deadlines)
cli.add_command(rebuild_duplicates)
cli.add_command(report)
cli.add_command(reports)
cli.add_command(outbox)
cli.add_command(digest)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cli.group()
def db() -> None:
    """Database migrations (run them as a step of their own, never at start-up)."""


@db.command()
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    settings = current_app.extensions["portal.settings"]
    _ensure_sqlite_folder(settings.database_url)
    command.upgrade(alembic_config(settings.database_url), revision)
    click.echo(f"Database upgraded to {revision}.")


@db.command()
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    """Downgrade the database to REVISION."""
    command.downgrade(alembic_config(current_app.extensions["portal.settings"].database_url), revision)


@db.command()
@click.option("-m", "--message", required=True)
@with_appcontext
def revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(current_app.extensions["portal.settings"].database_url),
                     message=message, autogenerate=True)


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


@cli.command("invite-admin")
@click.argument("email")
@click.option("--name", required=True, help="The administrator's full name.")
@with_appcontext
def invite_admin(email: str, name: str) -> None:
    """Invite the first program administrator of a new installation; prints the link."""
    from portal.accounts.bootstrap import invite_first_admin
    from portal.db import transaction

    with transaction(current_app) as _session:
        link = invite_first_admin(email=email, name=name)
    click.echo(f"Invitation for {email} (works once, for 7 days):\n{link}")



if __name__ == "__main__":
    cli()

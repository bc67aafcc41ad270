"""`lead-portal report`: the same figures as the reports page, as JSON or CSV on stdout; and
`lead-portal reports rebuild`, which recounts the report's cells from the referrals."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import transaction
from portal import audit
from portal.reports import cells, exports, operations
from portal.reports.queries import Criteria
from portal.reports.report import build


@click.command()
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The first submission date (YYYY-MM-DD).")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The last submission date (YYYY-MM-DD), included.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--route", default=None, help="Only this route (a code from the ruleset).")
@click.option("--partner", "organisation_id", type=int, default=None,
              help="Only this partner organization (its id).")
@click.option("--level", default=None, help="Only referrals with a charge at this level.")
@with_appcontext
def report(start, end, fmt: str, route, organisation_id, level) -> None:
    """Print every table of the report for a period (counts 1 to 4 as "<5"). Audited."""
    if end < start:
        raise click.BadParameter("must be the same as or after --from", param_hint="--to")
    criteria = Criteria(start=start.date(), end=end.date(), route=route,
                        organisation_id=organisation_id, level=level)
    with transaction(current_app):
        figures = build(criteria, ruleset=current_app.extensions["portal.ruleset"],
                        settings=current_app.extensions["portal.settings"])
        operations.record_export(None, "report", criteria, f"command-{fmt}")
    if fmt == "json":
        click.echo(json.dumps(exports.report_json(figures), indent=2, ensure_ascii=False))
    else:
        click.echo("".join(exports.report_csv(figures)), nl=False)


@click.group()
def reports() -> None:
    """The report's stored counts."""


@reports.command()
@click.option("--check", is_flag=True, help="Only compare the cells with a recount; exit 1 if "
                                            "any differs.")
@with_appcontext
def rebuild(check: bool) -> None:
    """Recount every cell of the report from the referrals, in one transaction. Only needed if
    something wrote referrals around the portal (a script, a restore). Audited."""
    if check:
        _check()
        return
    with transaction(current_app) as session:
        written = cells.rebuild(session)
        audit.record("report.cells_rebuilt", actor=None, detail=written)
    click.echo("Recounted the report's cells: " + ", ".join(
        f"{rows:,} rows in {table}" for table, rows in written.items()) + ".")


def _check() -> None:
    with transaction(current_app) as session:
        wrong = cells.differences(session)
    for table, keys in wrong.items():
        click.echo(f"{table}: {len(keys):,} cells differ from a recount")
    if wrong:
        raise SystemExit(1)
    click.echo("Every cell of the report equals a recount.")

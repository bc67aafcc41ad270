"""Command-line screening: `lead-portal screen FILE` and `lead-portal rules show|check`.

These commands need no Flask app and no database: they read JSON facts or a ruleset file and
use the pure eligibility package. Exit status: 0 when done, 2 when the input (the facts, the
ruleset or an option) is wrong; problems go to stderr and nothing is printed on stdout, so a
script can trust that stdout is either a whole result or empty.
"""

from __future__ import annotations

import json
from datetime import date
from typing import NoReturn

import click

from portal.eligibility import (
    LEVELS,
    OTHER_CHARGE,
    OTHER_CHARGE_LABEL,
    FactsError,
    Ruleset,
    RulesetError,
    load_ruleset,
    parse_facts,
    screen as screen_facts,
)

# Facts for one referral are about 1 KiB; anything near this is not a referral.
MAX_FACTS_BYTES = 1024 * 1024
RULESET_ENV = "LEAD_RULESET"

ruleset_option = click.option(
    "--ruleset", "ruleset_path", metavar="PATH", envvar=RULESET_ENV, default=None,
    type=click.Path(dir_okay=False),
    help=f"Ruleset TOML file (default: ${RULESET_ENV}, else the ruleset shipped with the portal).",
)


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date, the same strict form the facts use."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            if len(value) == 10 and value.isascii() and value[4] == value[7] == "-":
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"{value!r} is not a real date written as YYYY-MM-DD", param, ctx)


@click.command("screen")
@click.argument("file", type=click.File("rb"))
@ruleset_option
@click.option("--on", "on", type=IsoDate(), default=None,
              help="Screening day: the response target (and, without consent_signed_on, the intake deadline) count "
                   "from it, an arrest older than "
                   "the route allows goes to review, a later date is refused (default: the contact date).")
def screen(file, ruleset_path: str | None, on: date | None) -> None:
    """Screen the referral facts in FILE (JSON; '-' reads standard input) and print the result as JSON."""
    ruleset = _load(ruleset_path)
    data = _read_json(file)
    try:  # screening refuses dates after the screening day, as bad input like the parser's
        result = screen_facts(parse_facts(data, ruleset), ruleset, on=on)
    except FactsError as exc:
        _fail([f"{field}: {message}" if field else message for field, message in exc.errors])
    click.echo(json.dumps(result.to_dict(), indent=2))


@click.group("rules")
def rules() -> None:
    """Show or check the eligibility ruleset."""


@rules.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the ruleset as JSON.")
@ruleset_option
def show(as_json: bool, ruleset_path: str | None) -> None:
    """Print the ruleset: every charge and its questions, the exclusions, concerns, routes and deadlines."""
    ruleset = _load(ruleset_path)
    if as_json:
        click.echo(json.dumps(ruleset.to_dict(), indent=2))
    else:
        click.echo("\n".join(describe(ruleset)))


@rules.command("check")
@click.argument("file", required=False, envvar=RULESET_ENV, type=click.Path(dir_okay=False))
def check(file: str | None) -> None:
    """Check a ruleset FILE (default: $LEAD_RULESET, else the shipped ruleset) before putting it in service."""
    ruleset = _load(file)
    click.echo(f"OK: {ruleset.id} {ruleset.version}, {len(ruleset.charges)} charges")


def _load(path: str | None) -> Ruleset:
    try:
        return load_ruleset(path)
    except RulesetError as exc:
        _fail([f"{exc.source}: {error}" for error in exc.errors])


def _read_json(file) -> object:
    raw = file.read(MAX_FACTS_BYTES + 1)
    if len(raw) > MAX_FACTS_BYTES:
        _fail([f"facts: the input is larger than {MAX_FACTS_BYTES // 1024} KiB"])
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        _fail(["facts: the input is not UTF-8 text"])
    except RecursionError:
        _fail(["facts: the JSON is nested too deeply"])
    except ValueError as exc:  # json.JSONDecodeError, and over-long integers
        _fail([f"facts: not valid JSON: {exc}"])


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not allowed in JSON")


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    click.get_current_context().exit(2)


def describe(ruleset: Ruleset) -> list[str]:
    """The ruleset as plain-text tables, for a person to read."""
    lines = [
        f"Ruleset {ruleset.id}, version {ruleset.version}, effective {ruleset.effective_date.isoformat()}",
        f"sha256 {ruleset.sha256}",
    ]
    for section in (_charges, _exclusions, _concerns, _routes, _deadlines, _decline_reasons):
        lines.append("")
        lines.extend(section(ruleset))
    return lines


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def _charges(ruleset: Ruleset) -> list[str]:
    rows = [("CODE", "LABEL", "LEVEL", "CLASS")]
    rows += [(c.code, c.label, c.level, c.charge_class or "-") for c in ruleset.charges]
    rows.append((OTHER_CHARGE, OTHER_CHARGE_LABEL, "-", "-"))
    header, *body = _table(rows)
    lines = ["CHARGES (levels: " + "; ".join(f"{k} = {v}" for k, v in LEVELS.items()) + ")", header]
    for charge, line in zip(ruleset.charges, body):
        lines.append(line)
        for q in charge.qualifiers:
            answer = "yes" if q.divertible_answer else "no"
            lines.append(f"    question {q.code}: {q.question} (divertible if {answer})")
        lines.append(f"    note: {charge.note}")
    lines.append(body[-1])
    lines.append("    note: a charge not on this list; always reviewed by a coordinator")
    return lines


def _exclusions(ruleset: Ruleset) -> list[str]:
    lines = ["EXCLUSIONS (each makes a referral ineligible; an unknown answer sends it to review)"]
    for exclusion in ruleset.exclusions:
        lines.append(f"  {exclusion.code}: {exclusion.label}. {exclusion.description}")
    lines.append(f"  minimum age: {ruleset.minimum_age} on the date of the contact or arrest")
    return lines


def _concerns(ruleset: Ruleset) -> list[str]:
    rows = [(f"  {c.code}", c.label) for c in ruleset.concerns]
    return ["CONCERNS (each sends a referral to a coordinator's review)", *(_table(rows) if rows else [])]


def _routes(ruleset: Ruleset) -> list[str]:
    lines = ["ROUTES"]
    for route in ruleset.routes:
        required = "yes" if route.charge_required else "no"
        lines.append(f"  {route.code}: {route.label}. Open to: {', '.join(route.org_kinds)}; "
                     f"charge required: {required}.")
        lines.append(f"    {route.description}")
    return lines


def _deadlines(ruleset: Ruleset) -> list[str]:
    lines = ["DEADLINES"]
    for route in ruleset.routes:
        if route.intake_deadline_days is not None:
            lines.append(f"  {route.code}: intake deadline {route.intake_deadline_days} days after the consent is signed")
        if route.conduct_lookback_months is not None:
            lines.append(f"  {route.code}: eligible conduct within {route.conduct_lookback_months} "
                         "months before the contact date (older: review)")
    return lines


def _decline_reasons(ruleset: Ruleset) -> list[str]:
    rows = [(f"  {d.code}", d.label) for d in ruleset.decline_reasons]
    return ["DECLINE REASONS", *(_table(rows) if rows else [])]

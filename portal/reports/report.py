"""The whole report of a period: every table, its charts and its notes, built from a handful of
SQL aggregates. The page, the PDF, the CSV files and the command all print this one object."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from portal.eligibility import LEVELS, OTHER_CHARGE, OTHER_CHARGE_LABEL
from portal.referrals.states import Status
from portal.reports import base as base_file
from portal.reports import charts, figures, queries
from portal.reports.tables import TOTAL, Table, count_table, tally
from portal.reports.values import OTHER_LEVEL

BREAKDOWN_WORDS = {
    "race": "the person's race as recorded on the referral (one group per person: several races "
            "count as two or more; prefer not to say is its own group)",
    "ethnicity": "the person's ethnicity as recorded on the referral (prefer not to say is its "
                 "own group)",
}
SMALL_NOTE = ("<5: a count from 1 to 4, not shown. hidden: withheld so that a count under 5 "
              "cannot be worked out from the totals (or a rate, median or ratio that would "
              "reveal one).")


@dataclass
class Report:
    criteria: queries.Criteria
    tables: list[Table]
    charts: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def build(criteria: queries.Criteria, *, ruleset, settings) -> Report:
    counts = queries.counts(criteria)
    tables = _count_tables(criteria, counts, queries.months(criteria), ruleset)
    tables += _charge_tables(criteria, ruleset)
    for breakdown in ("race", "ethnicity"):
        outcomes = figures.outcome_counts(counts, figures.breakdown_group(breakdown))
        tables.append(figures.rates_table(f"rates_{breakdown}", breakdown, outcomes))
    decision, intake = queries.decision_days(criteria), queries.intake_days(criteria)
    for breakdown in ("race", "ethnicity"):
        tables.append(figures.times_table(f"times_{breakdown}", breakdown,
                                          figures.histograms(decision, breakdown),
                                          figures.histograms(intake, breakdown)))
    notes: list[str] = []
    tables += _rri_tables(criteria, counts, settings, notes)
    report = Report(criteria, tables, notes=notes)
    report.charts = charts.for_report(report)
    return report


def _count_tables(criteria, counts, months, ruleset) -> list[Table]:
    partners = queries.partners()
    dimensions = [
        ("route", "Route", {r.code: r.label for r in ruleset.routes}, lambda r: r.route),
        ("status", "Status", {s.value: s.label for s in Status if s is not Status.DRAFT},
         lambda r: Status(r.status).value),
        ("partner", "Partner", _present(partners, {r.organisation_id for r in counts}),
         lambda r: r.organisation_id),
        ("month", "Month", {m: m for m in _months(criteria.start, criteria.end)},
         lambda r: r.month),
    ]
    tables = []
    for name, header, rows, key in dimensions:
        source = months if name == "month" else counts
        for breakdown in ("race", "ethnicity"):
            how = (f"Referrals submitted in the period (by submission date, UTC), each counted "
                   f"once, by {header.lower()} and by {BREAKDOWN_WORDS[breakdown]}.")
            tables.append(count_table(f"by_{name}_{breakdown}", f"Referrals by {header.lower()}"
                                      f" and {breakdown}", how, header, rows, breakdown,
                                      tally(source, key, breakdown)))
    return tables


def _present(partners: dict[int, str], ids: set) -> dict:
    named = {i: n for i, n in partners.items() if i in ids}
    return named | {i: f"Organization {i}" for i in sorted(ids - named.keys())}


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _charge_tables(criteria, ruleset) -> list[Table]:
    levels = {**{code: label for code, label in LEVELS.items()}, OTHER_LEVEL: "Not on the list"}
    charges = {c.code: c.label for c in ruleset.charges} | {OTHER_CHARGE: OTHER_CHARGE_LABEL}
    level_rows, charge_rows = queries.levels(criteria), queries.charges(criteria)
    level_tables = [count_table(
        f"by_level_{breakdown}", f"Referrals by charge level and {breakdown}",
        f"Referrals with at least one charge (or, for social contact, kind of conduct) at each "
        f"level; a referral with charges at two levels counts in both, so the total row counts "
        f"levels, not people. By {BREAKDOWN_WORDS[breakdown]}.", "Charge level", levels,
        breakdown, tally(level_rows, lambda r: r.level, breakdown), total_label="All levels")
        for breakdown in ("race", "ethnicity")]
    charge_tables = [count_table(
        f"by_charge_{breakdown}", f"Referrals by charge and {breakdown}",
        f"Referrals naming each charge (or kind of conduct); a referral with several charges "
        f"counts once for each, so the total row counts charges, not people. By "
        f"{BREAKDOWN_WORDS[breakdown]}.", "Charge", charges, breakdown,
        tally(charge_rows, lambda r: r.code, breakdown), total_label="All charges")
        for breakdown in ("race", "ethnicity")]
    tables = level_tables + charge_tables
    return tables


def _rri_tables(criteria, counts, settings, notes: list[str]) -> list[Table]:
    reference = settings.reports_reference_group
    outcomes = figures.outcome_counts(counts, figures.disparity_group)
    tables = []
    referred = _referred_counts(criteria, outcomes, settings, notes)
    if referred is not None:
        tables.append(figures.rri_table("rri_referred", "referred", referred, reference))
    tables.append(figures.rri_table("rri_accepted", "accepted", outcomes, reference))
    tables.append(figures.rri_table("rri_intake_completed", "intake_completed", outcomes,
                                    reference))
    return tables


def _referred_counts(criteria, outcomes, settings, notes) -> dict | None:
    """Referrals by group beside the comparison base, when the program has one for the period."""
    path = settings.reports_base_csv
    if not path:
        return None
    if criteria.route or criteria.organisation_id or criteria.level:
        notes.append("The RRI of being referred is shown without filters only: the comparison "
                     "base counts every eligible arrest, not one route's or one partner's.")
        return None
    try:
        base = base_file.load(path, criteria.start, criteria.end)
    except base_file.BaseFileError as error:
        notes.append(f"The comparison base could not be read: {error}")
        return None
    if not base:
        notes.append("The comparison base file has no counts for exactly this period "
                     f"({criteria.start.isoformat()} to {criteria.end.isoformat()}), so the RRI "
                     "of being referred is not shown.")
        return None
    groups = set(base) | {g for g in outcomes if g != TOTAL}
    result = {g: {"base": base.get(g, 0), "referred": outcomes.get(g, {}).get("referred", 0)}
              for g in groups}
    result[TOTAL] = {"base": sum(base.values()),
                     "referred": sum(result[g]["referred"] for g in groups)}
    return defaultdict(lambda: {"base": 0, "referred": 0}, result)

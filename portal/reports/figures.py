"""The outcome tables: rates, times and the Relative Rate Index, by race and by ethnicity.

Each takes the period's aggregates (queries.py) and returns a Table (tables.py) with small
counts hidden, and every rate, median or ratio that would reveal one hidden with them.
"""

from __future__ import annotations

from collections import defaultdict

from portal.referrals.states import Status
from portal.reports import rri
from portal.reports.suppression import SECONDARY, is_small, shown, suppress
from portal.reports.tables import (
    BREAKDOWNS, NOT_RECORDED, RACE_GROUPS, TOTAL, Column, Row, Table, group_of,
)

ACCEPTED_EVER = {Status.ACCEPTED, Status.INTAKE_COMPLETED, Status.INTAKE_MISSED}
DECIDED = ACCEPTED_EVER | {Status.DECLINED}
HISPANIC = "hispanic"


def outcome_counts(rows, group) -> dict[str, dict[str, int]]:
    """Per group (and TOTAL): referred, decided, accepted (ever), intake completed and missed."""
    totals: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for key in (group(row), TOTAL):
            bucket = totals[key]
            bucket["referred"] += row.n
            bucket["decided"] += row.n if row.status in DECIDED else 0
            bucket["accepted"] += row.n if row.status in ACCEPTED_EVER else 0
            bucket["intake_completed"] += row.n if row.status is Status.INTAKE_COMPLETED else 0
            bucket["intake_missed"] += row.n if row.status is Status.INTAKE_MISSED else 0
    return totals


def breakdown_group(breakdown: str):
    column = BREAKDOWNS[breakdown][0]
    return lambda row: group_of(getattr(row, column))


def _hidden_counts(groups: list[str], counts: dict, keys: list[str]) -> list[list]:
    """Marks for the count columns ``keys`` of ``groups`` (the last being TOTAL, their sum)."""
    grid = [[counts.get(g, {}).get(k, 0) for k in keys] for g in groups]
    return suppress(grid, rows_add_up=False, columns_add_up=True)


def _rate(events: int, total: int, events_mark, total_mark) -> float | str | None:
    if events_mark or total_mark or (total > events and is_small(total - events)):
        return SECONDARY
    return rri.rate(events, total)


def rates_table(name: str, breakdown: str, counts: dict) -> Table:
    labels = {**BREAKDOWNS[breakdown][1], TOTAL: "All referrals"}
    keys = ["decided", "accepted", "intake_completed", "intake_missed"]
    marks = _hidden_counts(list(labels), counts, keys)
    rows = []
    for (group, label), mark in zip(labels.items(), marks):
        c, m = counts.get(group, defaultdict(int)), dict(zip(keys, mark))
        values = {key: shown(c[key], m[key]) for key in keys}
        values["acceptance_rate"] = _rate(c["accepted"], c["decided"], m["accepted"],
                                          m["decided"])
        values["completion_rate"] = _rate(c["intake_completed"], c["accepted"],
                                          m["intake_completed"], m["accepted"])
        values["miss_rate"] = _rate(c["intake_missed"], c["accepted"], m["intake_missed"],
                                    m["accepted"])
        rows.append(Row(group, label, values))
    columns = [Column("decided", "Decided"), Column("accepted", "Accepted"),
               Column("acceptance_rate", "Acceptance rate", "percent"),
               Column("intake_completed", "Intake completed"),
               Column("completion_rate", "Intake completion rate", "percent"),
               Column("intake_missed", "Intake missed"),
               Column("miss_rate", "Intake miss rate", "percent")]
    return Table(name, f"Acceptance and intake, by {breakdown}", RATES_HOW,
                 breakdown.capitalize(), columns, rows)


RATES_HOW = ("Acceptance rate: referrals accepted (including those whose intake has since been "
             "completed or missed) divided by referrals decided (accepted or declined); open and "
             "withdrawn referrals are left out. Intake completion and miss rates: referrals with "
             "intake completed (or missed) divided by referrals accepted, so the two rates and "
             "the share still waiting for intake add up to 100%.")


def times_table(name: str, breakdown: str, decision: dict, intake: dict) -> Table:
    """``decision`` and ``intake`` map group (and TOTAL) to {days: count}."""
    labels = {**BREAKDOWNS[breakdown][1], TOTAL: "All referrals"}
    counts = {g: {"decided": sum(decision.get(g, {}).values()),
                  "intake_completed": sum(intake.get(g, {}).values())} for g in labels}
    marks = _hidden_counts(list(labels), counts, ["decided", "intake_completed"])
    rows = []
    for (group, label), (m_decided, m_intake) in zip(labels.items(), marks):
        values = {"decided": shown(counts[group]["decided"], m_decided),
                  "intake_completed": shown(counts[group]["intake_completed"], m_intake)}
        values |= _spread("decision", decision.get(group, {}), m_decided)
        values |= _spread("intake", intake.get(group, {}), m_intake)
        rows.append(Row(group, label, values))
    columns = [Column("decided", "Decided"),
               Column("decision_median", "Median days to decision", "days"),
               Column("decision_p90", "90th percentile days to decision", "days"),
               Column("intake_completed", "Intake completed"),
               Column("intake_median", "Median days from acceptance to intake", "days"),
               Column("intake_p90", "90th percentile days from acceptance to intake", "days")]
    return Table(name, f"Time to decision and to intake, by {breakdown}", TIMES_HOW,
                 breakdown.capitalize(), columns, rows)


def _spread(prefix: str, histogram: dict[int, int], mark) -> dict:
    if mark:
        return {f"{prefix}_median": SECONDARY, f"{prefix}_p90": SECONDARY}
    return {f"{prefix}_median": rri.median(histogram),
            f"{prefix}_p90": rri.percentile(histogram, 0.9)}


TIMES_HOW = ("Days are whole calendar days (UTC) from the submission date to the decision date "
             "(accepted or declined), and from the acceptance date to the date intake was "
             "completed. Median: the middle value (the mean of the two middle ones for an even "
             "count). 90th percentile: nearest rank, the smallest number of days within which at "
             "least 90% of the referrals were decided (or took up intake).")


def histograms(rows, breakdown: str) -> dict[str, dict[int, int]]:
    group = breakdown_group(breakdown)
    result: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for key in (group(row), TOTAL):
            result[key][int(row.days)] += row.n
    return result


# --- the Relative Rate Index ---------------------------------------------------------------------

def disparity_group(row) -> str:
    """Hispanic or Latino of any race is one group; otherwise race and ethnicity together."""
    if row.ethnicity == HISPANIC:
        return HISPANIC
    return f"{group_of(row.race_group)}:{group_of(row.ethnicity)}"


def disparity_label(group: str) -> str:
    if group == HISPANIC:
        return "Hispanic or Latino (any race)"
    if group == TOTAL:
        return "All referrals"
    race, _, ethnicity = group.partition(":")
    ethnicity_words = {"not_hispanic": "not Hispanic or Latino",
                       "prefer_not": "ethnicity: prefer not to say",
                       NOT_RECORDED: "ethnicity not recorded"}.get(ethnicity, ethnicity)
    return f"{RACE_GROUPS.get(race, race)}, {ethnicity_words}"


RRI_POINTS = {
    "referred": ("Referred, against the comparison base", "base", "Comparison base",
                 "referred", "Referred"),
    "accepted": ("Accepted, of referrals decided", "decided", "Decided", "accepted",
                 "Accepted"),
    "intake_completed": ("Intake completed, of referrals accepted", "accepted", "Accepted",
                         "intake_completed", "Intake completed"),
}


def rri_table(name: str, point: str, counts: dict, reference: str) -> Table:
    """The RRI at one decision point: each group's rate over the reference group's."""
    title, base, base_label, events, events_label = RRI_POINTS[point]
    groups = sorted((g for g in counts if g != TOTAL and counts[g][base]),
                    key=lambda g: (g != reference, disparity_label(g)))
    # The "All" row adds up the rows shown, so that suppression can rely on it.
    counts = {**{g: counts[g] for g in groups},
              TOTAL: {k: sum(counts[g][k] for g in groups) for k in (base, events)}}
    groups.append(TOTAL)
    marks = _hidden_counts(groups, counts, [base, events])
    rates = {g: _rate(counts[g][events], counts[g][base], *m) for g, m in zip(groups, marks)}
    ref = counts.get(reference)
    ref_counts = (ref[events], ref[base]) if ref else None
    rows = []
    for group, (m_base, m_events) in zip(groups, marks):
        c = counts[group]
        values = {"base": shown(c[base], m_base), "events": shown(c[events], m_events),
                  "rate": rates[group]}
        values |= _relative(group, (c[events], c[base]), ref_counts, rates, reference,
                            proportion=point != "referred")
        rows.append(Row(group, disparity_label(group), values))
    columns = [Column("base", base_label), Column("events", events_label),
               Column("rate", "Rate", "percent"), Column("rri", "RRI", "ratio"),
               Column("ci_low", "95% CI low", "ratio"), Column("ci_high", "95% CI high", "ratio"),
               Column("differs", "Interval excludes 1", "text")]
    return Table(name, f"Relative Rate Index: {title[0].lower()}{title[1:]}",
                 rri_how(reference, point), "Group", columns, rows)


def _relative(group, counts, ref_counts, rates, reference, *, proportion) -> dict:
    blank = {"rri": None, "ci_low": None, "ci_high": None, "differs": ""}
    if group == TOTAL:
        return blank
    if group == reference:
        return blank | {"rri": 1.0, "differs": "Reference group"}
    if ref_counts is None:
        return blank | {"differs": "No reference group in this period"}
    if SECONDARY in (rates.get(group), rates.get(reference)):
        return {key: SECONDARY for key in ("rri", "ci_low", "ci_high")} | {"differs": ""}
    result = rri.relative_rate(*counts, *ref_counts, proportion=proportion)
    if result is None:
        return blank
    differs = ("Yes, higher" if result.differs and result.value > 1 else
               "Yes, lower" if result.differs else "No")
    return {"rri": result.value, "ci_low": result.low, "ci_high": result.high,
            "differs": differs}


def rri_how(reference: str, point: str) -> str:
    base = {"referred": "referrals divided by the comparison base (the program's count of "
                        "eligible arrests in the same period, from its file)",
            "accepted": "referrals accepted divided by referrals decided",
            "intake_completed": "referrals whose intake was completed divided by referrals "
                                "accepted"}[point]
    interval = ("SE = sqrt(1/a + 1/c)" if point == "referred" else
                "SE = sqrt(1/a - 1/n + 1/c - 1/m)")
    return (f"Rate: {base}. RRI: a group's rate divided by the rate of the reference group "
            f"({disparity_label(reference)}). 95% confidence interval by the log method: "
            f"exp(ln RRI ± 1.96 × SE), {interval}, with a of n the group's counts and c of m "
            "the reference group's. \"Yes\" where the interval does not include 1.")

"""The shape every report table has (page, CSV, PDF and command alike), and the count tables.

A table has named columns and rows; each row has its group (a code) and label, and a value per
column: a count (or "<5", or "hidden"), a rate, a number of days or a ratio. Counts are hidden
here, before any output sees them (suppression.py), so no output can forget to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from portal.referrals.forms import ETHNICITIES, RACES
from portal.reports.suppression import shown, suppress
from portal.reports.values import PREFER_NOT, TWO_OR_MORE

NOT_RECORDED = "not_recorded"
TOTAL = "total"
RACE_GROUPS = {**{k: v for k, v in RACES.items() if k != PREFER_NOT},
               TWO_OR_MORE: "Two or more races", PREFER_NOT: "Prefer not to say (race)",
               NOT_RECORDED: "Race not recorded"}
ETHNICITY_GROUPS = {**{k: v for k, v in ETHNICITIES.items() if k != PREFER_NOT},
                    PREFER_NOT: "Prefer not to say (ethnicity)",
                    NOT_RECORDED: "Ethnicity not recorded"}
BREAKDOWNS = {"race": ("race_group", RACE_GROUPS), "ethnicity": ("ethnicity", ETHNICITY_GROUPS)}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count | percent | days | ratio | text


@dataclass
class Row:
    group: str
    label: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class Table:
    name: str
    title: str
    how: str
    row_header: str
    columns: list[Column]
    rows: list[Row]
    total_label: str = "All referrals"

    def value(self, group: str, column: str):
        return next(row.values[column] for row in self.rows if row.group == group)


def group_of(value: str | None) -> str:
    return value or NOT_RECORDED


def count_table(name: str, title: str, how: str, row_header: str,
                rows: dict[str, str], breakdown: str, counts: dict, *,
                total_label: str = "All referrals") -> Table:
    """Rows (code -> label) by the groups of ``breakdown``, with totals, small counts hidden.

    ``counts`` maps (row code, group) to a count."""
    groups = BREAKDOWNS[breakdown][1]
    inner = [[counts.get((row, group), 0) for group in groups] for row in rows]
    grid = [line + [sum(line)] for line in inner]
    grid.append([sum(column) for column in zip(*grid)] if grid else [0] * (len(groups) + 1))
    marks = suppress(grid)
    keys = [*groups, TOTAL]
    labelled = [*rows.items(), (TOTAL, total_label)]
    table_rows = [Row(code, label, {key: shown(count, mark) for key, count, mark
                                    in zip(keys, grid[i], marks[i])})
                  for i, (code, label) in enumerate(labelled)]
    columns = [Column(key, label) for key, label in groups.items()] + [Column(TOTAL, "Total")]
    return Table(name, title, how, row_header, columns, table_rows, total_label)


def tally(rows, key, breakdown: str) -> dict:
    """Add up query rows into (row code, group) -> count."""
    column = BREAKDOWNS[breakdown][0]
    totals: dict = defaultdict(int)
    for row in rows:
        totals[(key(row), group_of(getattr(row, column)))] += row.n
    return totals


def display(value, kind: str = "count") -> str | int:
    """A value as the page, the PDF and the CSV print it."""
    if value is None:
        return "—" if kind != "text" else ""
    if isinstance(value, str) or kind == "count":
        return value
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:g}" if isinstance(value, float) else str(value)  # days

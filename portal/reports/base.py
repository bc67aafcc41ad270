"""The comparison base: a CSV the program keeps (REPORTS_BASE_CSV), e.g. eligible arrests by
group in a period, so that the first RRI is the rate of being referred at all.

    from,to,group,count
    2026-01-01,2026-12-31,white:not_hispanic,1200
    2026-01-01,2026-12-31,hispanic,640

``group`` is a disparity group as the RRI tables name them (see figures.disparity_group). Only
rows whose period is exactly the report's are used.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

HEADER = ["from", "to", "group", "count"]


class BaseFileError(ValueError):
    """The file cannot be read; the message says where."""


def load(path: str | Path, start: date, end: date) -> dict[str, int]:
    """Counts by group for exactly this period (empty if the file has none for it)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise BaseFileError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
        raise BaseFileError(f"{path}: the first line must be {','.join(HEADER)}")
    counts: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        period, group, count = _parse(path, number, row)
        if period == (start, end):
            counts[group] = counts.get(group, 0) + count
    return counts


def _parse(path, number: int, row: list[str]) -> tuple[tuple[date, date], str, int]:
    if len(row) != 4:
        raise BaseFileError(f"{path}, line {number}: expected 4 cells, found {len(row)}")
    try:
        period = (date.fromisoformat(row[0].strip()), date.fromisoformat(row[1].strip()))
        count = int(row[3].strip())
    except ValueError:
        raise BaseFileError(f"{path}, line {number}: dates must be YYYY-MM-DD and the count a "
                            "whole number") from None
    if count < 0 or not row[2].strip():
        raise BaseFileError(f"{path}, line {number}: a group and a count of 0 or more needed")
    return period, row[2].strip(), count

"""Small-cell suppression, checked by brute force: no hidden cell can be worked out."""

from __future__ import annotations

import itertools
import random

from portal.reports.suppression import PRIMARY, SECONDARY, suppress


def _with_totals(inner: list[list[int]]) -> list[list[int]]:
    grid = [row + [sum(row)] for row in inner]
    return grid + [[sum(column) for column in zip(*grid)]]


def _possible_values(grid, marks) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell could take, given what is shown: the shown cells, "<5" for
    1 to 4, and every row and column adding up to its total (hidden totals too)."""
    hidden = [(r, c) for r, row in enumerate(marks) for c, mark in enumerate(row) if mark]
    # A cell is at most its row's total and its column's total (when those are shown).
    def ceiling(r, c):
        limits = [t for t, m in ((grid[r][-1], marks[r][-1]), (grid[-1][c], marks[-1][c]))
                  if not m]
        return min(limits or [grid[-1][-1]])

    ranges = [range(1, 5) if marks[r][c] == PRIMARY else range(0, ceiling(r, c) + 1)
              for r, c in hidden]
    seen = {cell: set() for cell in hidden}
    for values in itertools.product(*ranges):
        trial = [row[:] for row in grid]
        for (r, c), value in zip(hidden, values):
            trial[r][c] = value
        rows_ok = all(sum(row[:-1]) == row[-1] for row in trial)
        columns_ok = all(sum(col[:-1]) == col[-1] for col in zip(*trial))
        if rows_ok and columns_ok:
            for cell, value in zip(hidden, values):
                seen[cell].add(value)
    return seen


def test_a_count_of_three_is_hidden_as_under_five_and_zero_is_shown():
    marks = suppress(_with_totals([[3, 0, 12], [7, 9, 20]]))
    assert marks[0][0] == PRIMARY
    assert marks[0][1] is None or marks[0][1] == SECONDARY


def test_a_lone_small_cell_gets_a_partner_in_its_row_and_its_column():
    grid = _with_totals([[3, 6, 12], [7, 9, 20]])
    marks = suppress(grid)
    assert marks[0][0] == PRIMARY
    assert marks[0][1] == SECONDARY  # the smallest other cell of the row
    assert marks[1][0] == SECONDARY or marks[1][1] == SECONDARY  # and one in each column
    for line in [*marks, *zip(*marks)]:
        assert sum(bool(m) for m in line) != 1


# Two "<5" cells adding up to 2 are both 1: a row's total must not give that away.
KNOWN_HARD = [[[5, 1, 1], [6, 2, 1]], [[4, 4, 9], [0, 7, 12]], [[3, 0, 8], [0, 3, 8]]]


def test_no_hidden_cell_can_be_worked_out_by_brute_force():
    rng = random.Random(13)
    tables = [*KNOWN_HARD, *([[rng.choice([0, 1, 2, 3, 5, 6, 8]) for _ in range(3)]
                              for _ in range(2)] for _ in range(40))]
    for inner in tables:
        grid = _with_totals(inner)
        marks = suppress(grid)
        hidden = sum(bool(m) for row in marks for m in row)
        if not hidden or hidden > 5:  # the brute force grows fast; small ones suffice
            continue
        for cell, values in _possible_values(grid, marks).items():
            assert len(values) >= 2, (grid, marks, cell, values)


def test_a_small_total_is_hidden_too():
    marks = suppress(_with_totals([[1, 2], [0, 0]]))
    assert marks[0][2] == PRIMARY and marks[2][2] == PRIMARY

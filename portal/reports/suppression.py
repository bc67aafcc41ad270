"""Small-cell suppression: no count from 1 to 4 is shown, nor can one be worked out.

Primary: every count from 1 to 4 (zero is shown: it names nobody). Complementary: a table shows
its row and column totals, so the hidden cells of a line (a row or a column with its total)
add up to a sum anyone can work out by subtraction. That sum gives the cells away when only one
cell is hidden, or when it is as small as the hidden cells can be (every "<5" a 1, every other
hidden cell a 0) or, for "<5" cells only, as large (every one a 4). Then another cell of that
line is hidden too, the smallest one above zero (a zero only if there is none), and this
repeats until no line gives its cells away. Pure Python, standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = range(1, 5)
PRIMARY, SECONDARY = "<5", "hidden"


def is_small(count: int) -> bool:
    return count in SMALL


def suppress(grid: Sequence[Sequence[int]], *, rows_add_up: bool = True,
             columns_add_up: bool = True) -> list[list[str | None]]:
    """Marks for ``grid`` (its last row holds the column totals when ``columns_add_up``, its
    last column the row totals when ``rows_add_up``): None where the count is shown, PRIMARY or
    SECONDARY where it is hidden."""
    marks = [[PRIMARY if is_small(count) else None for count in row] for row in grid]
    lines = _lines(len(grid), len(grid[0]) if grid else 0, rows_add_up, columns_add_up)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if _gives_away(grid, marks, line) and _partner(grid, marks, line):
                row, column = _partner(grid, marks, line)
                marks[row][column] = SECONDARY
                changed = True
    return marks


def _gives_away(grid, marks, line) -> bool:
    hidden = [(r, c) for r, c in line if marks[r][c]]
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    total = sum(grid[r][c] for r, c in hidden)
    small = sum(marks[r][c] == PRIMARY for r, c in hidden)
    return total == small or (small == len(hidden) and total == 4 * small)


def _lines(height: int, width: int, rows_add_up: bool, columns_add_up: bool) -> list[list]:
    """Each set of cells tied by a total: a row with its total, a column with its total."""
    lines = []
    if rows_add_up and width > 1:
        lines += [[(r, c) for c in range(width)] for r in range(height)]
    if columns_add_up and height > 1:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    return lines


def _partner(grid, marks, line) -> tuple[int, int] | None:
    """The cell to hide beside the others: the smallest above zero, else a zero."""
    shown = [cell for cell in line if not marks[cell[0]][cell[1]]]
    return min(shown, key=lambda cell: (grid[cell[0]][cell[1]] == 0, grid[cell[0]][cell[1]]),
               default=None)


def shown(count: int, mark: str | None) -> int | str:
    """What a page, a CSV or the command prints for a count."""
    return mark or count

"""CSV for spreadsheets: every file the portal exports is written through here.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula (CSV injection, OWASP). Such a cell is prefixed with an apostrophe, which spreadsheets
show as plain text; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header and each row as one CSV line, cells escaped: stream it, or join it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    yield _take(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    line = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return line

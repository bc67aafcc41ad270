"""The report as files: a CSV of each table, every table as JSON or CSV for the command, and the
PDF of the whole report through the receipts' locked-down renderer."""

from __future__ import annotations

from collections.abc import Iterator

from portal.reports.tables import Table, display
from portal.web.spreadsheets import csv_lines


def table_csv(table: Table) -> Iterator[str]:
    header = [table.row_header, *(column.label for column in table.columns)]
    rows = ([row.label, *(display(row.values[c.key], c.kind) for c in table.columns)]
            for row in table.rows)
    return csv_lines(header, rows)


def report_csv(report) -> Iterator[str]:
    """Every table, one after another: its title on a line of its own, then its CSV."""
    for index, table in enumerate(report.tables):
        if index:
            yield "\r\n"
        yield from csv_lines([f"{table.name}: {table.title}"], [])
        yield from table_csv(table)


def _json_value(value):
    return round(value, 4) if isinstance(value, float) else value


def report_json(report) -> dict:
    """Every table by name; each row with its group, label and values ("<5" where hidden)."""
    criteria = report.criteria
    return {
        "period": {"from": criteria.start.isoformat(), "to": criteria.end.isoformat()},
        "filters": {"route": criteria.route, "organisation_id": criteria.organisation_id,
                    "level": criteria.level},
        "notes": report.notes,
        "tables": {table.name: {
            "title": table.title, "how": table.how,
            "columns": {c.key: c.label for c in table.columns},
            "rows": [{"group": row.group, "label": row.label,
                      "counts": {key: _json_value(value) for key, value in row.values.items()}}
                     for row in table.rows]}
            for table in report.tables},
    }


def report_pdf(html: str, *, timeout: float) -> bytes:
    from portal.receipts.render import html_to_pdf

    return html_to_pdf(html, timeout=timeout)

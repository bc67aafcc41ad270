"""One way to write a date on a page, and one for a moment, in US English.

A day reads "March 27, 2026"; a moment "March 27, 2026, 08:05 MDT": in the program's time zone
(PROGRAM_TIMEZONE, as on receipts), the zone said, 24-hour, so that "1:00" is never read as the
wrong half of the day. Templates use them as the
filters ``|date`` and ``|datetime``; Python that writes a date into a message calls them directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(day: date | None) -> str:
    """March 27, 2026 (the month's name is English whatever the machine's locale)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = _in_program_zone(day).date()
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def date_time(moment: datetime | None) -> str:
    """March 27, 2026, 08:05 MDT. A moment without a zone is taken to be UTC (as stored)."""
    if moment is None:
        return ""
    moment = _in_program_zone(moment)
    return f"{long_date(moment.date())}, {moment:%H:%M} {moment:%Z}"


def _in_program_zone(moment: datetime) -> datetime:
    zone = UTC
    if has_app_context() and "portal.settings" in current_app.extensions:
        zone = ZoneInfo(current_app.extensions["portal.settings"].timezone)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date, "date")
    app.add_template_filter(date_time, "datetime")

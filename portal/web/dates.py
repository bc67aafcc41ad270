"""One way to write a date on a page, and one for a moment, in US English.

A day reads "March 27, 2026"; a moment "March 27, 2026, 14:05 UTC" (times are UTC on every page,
24-hour, so that "1:00" is never read as the wrong half of the day). Templates use them as the
filters ``|date`` and ``|datetime``; Python that writes a date into a message calls them directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(day: date | None) -> str:
    """March 27, 2026 (the month's name is English whatever the machine's locale)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date() if day.tzinfo else day.date()
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def date_time(moment: datetime | None) -> str:
    """March 27, 2026, 14:05 UTC. A moment without a zone is taken to be UTC already."""
    if moment is None:
        return ""
    if moment.tzinfo:
        moment = moment.astimezone(UTC)
    return f"{long_date(moment.date())}, {moment:%H:%M} UTC"


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date, "date")
    app.add_template_filter(date_time, "datetime")

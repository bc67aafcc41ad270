"""What every template keeps: one CSRF macro in every form, one way to write a date, and no
business arithmetic (the pages are handed the values Python worked out)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import Form

from portal.config import ROOT
from portal.review.queries import Deadline
from portal.web.dates import date_time, long_date
from portal.web.fields import EventDateField

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
MACROS = ROOT / "templates" / "macros" / "forms.html"
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.DOTALL | re.IGNORECASE)
LOCAL_MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\(.*?%\}(.*?)\{%-?\s*endmacro", re.DOTALL)
# Arithmetic on dates, or formatting them by hand: Python's work, not the page's.
DATE_WORK = re.compile(r"strftime|\.days\b|-\s*today\b|\btoday\s*-|\|\s*format\(")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT / "templates"))


def test_the_token_is_written_by_the_one_macro_only():
    assert len(TEMPLATES) > 30
    by_hand = [_name(p) for p in TEMPLATES if p != MACROS and "csrf_token()" in p.read_text()]
    assert by_hand == []


def test_every_post_form_calls_the_csrf_macro():
    forms = 0
    for path in TEMPLATES:
        text = path.read_text()
        # A macro of the template that calls csrf() (e.g. review's versioned()) counts as a call.
        callers = {name for name, body in LOCAL_MACRO.findall(text) if "csrf()" in body}
        for body in POST_FORM.findall(text):
            forms += 1
            calls = ["csrf()", *(f"{name}()" for name in callers)]
            assert any(call in body for call in calls), f"{_name(path)}: a POST form without csrf()"
    assert forms >= 30  # the pattern found the forms


def test_no_template_formats_or_counts_dates_itself():
    found = [f"{_name(p)}: {m.group(0)}" for p in TEMPLATES for m in DATE_WORK.finditer(p.read_text())]
    assert found == []


def test_one_format_for_a_day_and_one_for_a_moment():
    assert long_date(date(2026, 3, 7)) == "March 7, 2026"
    assert long_date(date(2025, 12, 31)) == "December 31, 2025"
    assert long_date(datetime(2026, 3, 27, 23, 30, tzinfo=UTC)) == "March 27, 2026"
    assert date_time(datetime(2026, 3, 27, 14, 5, tzinfo=UTC)) == "March 27, 2026, 14:05 UTC"
    # Outside the app (no program zone to read), any other zone is said in UTC.
    denver = timezone(timedelta(hours=-6))
    assert date_time(datetime(2026, 3, 27, 20, 5, tzinfo=denver)) == "March 28, 2026, 02:05 UTC"
    assert long_date(None) == "" and date_time(None) == ""


def test_pages_say_times_in_the_program_time_zone(database_url):
    from portal import create_app
    from tests.conftest import test_settings

    denver = create_app(test_settings(database_url, timezone="America/Denver"))
    template = "{{ summer|datetime }} / {{ winter|datetime }} / {{ late|date }}"
    with denver.app_context():
        rendered = render_template_string(
            template, summer=datetime(2026, 7, 4, 18, 30, tzinfo=UTC),
            winter=datetime(2026, 1, 15, 3, 5),  # naive, as stored: UTC
            late=datetime(2026, 3, 28, 2, 0, tzinfo=UTC))
    denver.extensions["portal.db"].engine.dispose()
    assert rendered == "July 4, 2026, 12:30 MDT / January 14, 2026, 20:05 MST / March 27, 2026"


def test_the_filters_are_registered_once_for_every_template(app_context):
    rendered = render_template_string("{{ day|date }} / {{ moment|datetime }}", day=date(2026, 3, 27),
                                      moment=datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    assert rendered == "March 27, 2026 / March 27, 2026, 09:00 UTC"


def test_the_deadline_in_words():
    today = date(2026, 3, 27)
    words = {days: Deadline.of(today + timedelta(days=days), today).words
             for days in (-6, -1, 0, 1, 3, 12)}
    assert words == {-6: "Overdue by 6 days", -1: "Overdue by 1 day", 0: "Due today",
                     1: "1 day left", 3: "3 days left", 12: "12 days left"}
    assert Deadline.of(today - timedelta(days=1), today).overdue
    assert [Deadline.of(today + timedelta(days=d), today).soon for d in (-1, 0, 3, 4)] == [
        False, True, True, False]
    assert Deadline.of(None, today) is None


def test_the_date_picker_is_handed_what_was_typed_in_iso():
    class DayForm(Form):
        day = EventDateField("Day")

    def picker(typed: str) -> str:
        return DayForm(formdata=MultiDict({"day": typed})).day.picker_default

    assert picker("3/27/2026") == "2026-03-27"
    assert picker(" 3 / 7 / 2026 ") == "2026-03-07"
    assert picker("2026-03-27") == "2026-03-27"
    assert picker("2/30/2026") == "2026-02-30"  # the shape only: the picker refuses the date
    for not_a_date in ("", "soon", "3/27/26", "²/1/2026", "2026-3-27"):
        assert picker(not_a_date) == "", not_a_date

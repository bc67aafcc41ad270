"""The time field (issue 14): times typed the ways officers type them, and a clear message for
anything else."""

from __future__ import annotations

from datetime import time

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from portal.web.fields import TimeField, clock, parse_time


class ArrestTime(Form):
    when = TimeField("Time", thing="the time of the arrest")


@pytest.mark.parametrize(("typed", "meant"), [
    ("2145", time(21, 45)), ("21:45", time(21, 45)), ("9:45pm", time(21, 45)),
    ("9:45 PM", time(21, 45)), ("0930", time(9, 30)), ("930", time(9, 30)),
    ("9pm", time(21)), ("9.30 p.m.", time(21, 30)), ("12am", time(0)), ("12:15pm", time(12, 15)),
    (" 0000 ", time(0)), ("23:59", time(23, 59)),
])
def test_the_ways_people_type_a_time_are_read(typed, meant):
    assert parse_time(typed) == meant
    form = ArrestTime(MultiDict({"when": typed}))
    assert form.validate(), form.errors
    assert form.when.time == meant and form.when.data == typed  # kept as typed


@pytest.mark.parametrize("typed", ["25pm", "2460", "13pm", "0pm", "21:60", "noon", "9:5",
                                   "12345", "21-45"])
def test_anything_else_is_refused_with_an_example(typed):
    form = ArrestTime(MultiDict({"when": typed}))
    assert not form.validate()
    assert form.errors == {"when": ["Enter the time of the arrest, like 9:30pm or 21:30"]}
    assert form.when.time is None


def test_a_blank_time_is_left_to_the_fields_own_validators():
    form = ArrestTime(MultiDict({"when": ""}))
    assert form.validate() and form.when.time is None


def test_the_page_offers_the_24_hour_clock():
    assert clock(time(9, 5)) == "09:05" and clock(time(21, 45)) == "21:45"

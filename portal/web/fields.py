"""Form fields for the dates and choices people type, on every form that asks for them."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from wtforms import Field, SelectMultipleField, StringField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

US_DATE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
# As typed, spaces taken out: what the date picker can be handed (it checks the date itself).
TYPED_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
TYPED_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# 9, 9pm, 9:45pm, 9.45 p.m., 21:45, and the 24-hour clock without a colon: 2145, 0930, 930.
TIME = re.compile(r"^\s*(\d{1,2})(?:[:.]?(\d{2}))?\s*([ap]\.?\s?m\.?)?\s*$", re.IGNORECASE)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, invalid_choice_message="Select only from the options shown",
                 **kwargs):
        # Not WTForms' "'x' is not a valid choice for this field", which repeats what was posted.
        super().__init__(*args, invalid_choice_message=invalid_choice_message, **kwargs)


class MemorableDateField(Field):
    """A date people know (a date of birth): month, day and year in three boxes, no auto-tab.

    What was typed is kept in ``parts`` so that a wrong date comes back as typed.
    """

    def __init__(self, label=None, validators=None, thing="the date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.thing = thing
        self.parts = {"month": "", "day": "", "year": ""}

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if isinstance(data, str):  # as stored in a draft
            data = parse_event_date(data)
        self.data = data if isinstance(data, date) else None
        if self.data:
            self.parts = {"month": str(self.data.month), "day": str(self.data.day),
                          "year": str(self.data.year)}
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.parts):
            self.parts = {p: (formdata.get(f"{self.name}-{p}") or "").strip()[:10] for p in self.parts}
            self.data = None
            # Three empty boxes are no answer at all (InputRequired then says so).
            self.raw_data = [self.parts] if any(self.parts.values()) else []

    def pre_validate(self, form):
        if not self.raw_data:
            return
        if not any(self.parts.values()):
            return  # blank: the field's own validators say whether that is allowed
        missing = [p for p in ("day", "month", "year") if not self.parts[p]]
        if missing:
            raise ValidationError(f"{self.thing[0].upper()}{self.thing[1:]} must include a "
                                  f"{' and a '.join(missing)}")
        if not all(v.isdigit() for v in self.parts.values()) or len(self.parts["year"]) != 4:
            raise ValidationError(f"Enter {self.thing} as numbers, like 3 27 1990")
        try:
            self.data = date(int(self.parts["year"]), int(self.parts["month"]),
                             int(self.parts["day"]))
        except ValueError:
            raise ValidationError(f"{self.thing[0].upper()}{self.thing[1:]} must be a real date") \
                from None


class EventDateField(StringField):
    """The date of an event (an arrest): typed as 3/27/2026 or picked (the picker sends ISO)."""

    def __init__(self, label=None, validators=None, thing="the date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.thing = thing
        self.date = None

    def process_data(self, value):
        if isinstance(value, str) and ISO_DATE.match(value):  # as stored in a draft
            value = parse_event_date(value)
        if isinstance(value, date):
            value = f"{value.month}/{value.day}/{value.year}"
        super().process_data(value)

    @property
    def picker_default(self) -> str:
        """YYYY-MM-DD for the USWDS date picker's data-default-value, from what was typed;
        empty when the typing is not a date's shape."""
        typed = (self.data or "").strip()
        us = TYPED_US_DATE.fullmatch(typed.replace(" ", ""))
        if us:
            month, day, year = (int(part) for part in us.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
        return typed if TYPED_ISO_DATE.fullmatch(typed) else ""

    def pre_validate(self, form):
        self.date = None
        if not (self.data or "").strip():
            return
        self.date = parse_event_date(self.data)
        if self.date is None:
            raise ValidationError(f"Enter {self.thing} as a real date, like 3/27/2026")


def parse_event_date(text: str) -> date | None:
    match = US_DATE.match(text)
    numbers = (match.group(3), match.group(1), match.group(2)) if match else None
    iso = ISO_DATE.match(text)
    if iso:
        numbers = iso.groups()
    if numbers is None:
        return None
    try:
        return date(int(numbers[0]), int(numbers[1]), int(numbers[2]))
    except ValueError:
        return None


class TimeField(StringField):
    """A time of day as people type it (see ``TIME``); kept as typed, read as ``time``.

    A blank answer is left to the field's own validators (required or optional).
    """

    def __init__(self, label=None, validators=None, thing="the time", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.thing = thing
        self.time = None

    def pre_validate(self, form):
        self.time = None
        if not (self.data or "").strip():
            return
        self.time = parse_time(self.data)
        if self.time is None:
            raise ValidationError(f"Enter {self.thing}, like 9:30pm or 21:30")


def clock(moment: datetime | time) -> str:
    """A time as the time field offers it: the 24-hour clock, like 21:45."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def parse_time(text: str) -> time | None:
    """'9:30pm', '9.30 p.m.', '21:30', '2130', '0930' or '9pm'."""
    match = TIME.match(text or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None

"""The report's period and filters, in the URL (GET): a report can be bookmarked or shared, and
nothing changes, so there is no CSRF token."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import Form, SelectField, StringField, ValidationError
from wtforms.validators import Optional

from portal.eligibility import LEVELS
from portal.reports.queries import Criteria
from portal.reports.values import OTHER_LEVEL
from portal.web.forms import field_anchor, strip

LONGEST_DAYS = 10 * 366


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def default_period(today: date) -> tuple[date, date]:
    """The last 365 days, today included."""
    return today - timedelta(days=364), today


class ReportForm(Form):
    start = StringField("From (YYYY-MM-DD)", filters=[strip], validators=[Optional()])
    end = StringField("To (YYYY-MM-DD)", filters=[strip], validators=[Optional()])
    route = SelectField("Route", default="", validators=[Optional()],
                        invalid_choice_message="Select a route from the list")
    partner = SelectField("Partner", default="", validators=[Optional()],
                          invalid_choice_message="Select a partner from the list")
    level = SelectField("Charge level", default="", validators=[Optional()],
                        invalid_choice_message="Select a charge level from the list")

    def __init__(self, formdata, *, routes: dict[str, str], partners: dict[int, str],
                 today: date):
        super().__init__(formdata)
        self.today = today
        self.route.choices = [("", "All routes"), *routes.items()]
        self.partner.choices = [("", "All partners"), *((str(k), v) for k, v in partners.items())]
        self.level.choices = [("", "All charge levels"), *LEVELS.items(),
                              (OTHER_LEVEL, "Not on the list")]

    def validate_start(self, field):
        if field.data and _date(field.data) is None:
            raise ValidationError("Enter the start date as YYYY-MM-DD, like 2026-01-01")

    def validate_end(self, field):
        if field.data and _date(field.data) is None:
            raise ValidationError("Enter the end date as YYYY-MM-DD, like 2026-12-31")
        start, end = self.period()
        if start > end:
            raise ValidationError("The end date must be the same as or after the start date")
        if (end - start).days > LONGEST_DAYS:
            raise ValidationError("Choose a period of 10 years or less")

    def period(self) -> tuple[date, date]:
        default_start, default_end = default_period(self.today)
        return (_date(self.start.data) or default_start, _date(self.end.data) or default_end)

    def criteria(self) -> Criteria:
        start, end = self.period()
        return Criteria(start=start, end=end, route=self.route.data or None,
                        organisation_id=int(self.partner.data) if self.partner.data else None,
                        level=self.level.data or None)

    def error_items(self) -> list[tuple[str, str]]:
        return [(field_anchor(f), message) for f in self for message in f.errors[:1]]

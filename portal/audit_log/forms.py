from __future__ import annotations

from wtforms import Form, SelectField, StringField
from wtforms.validators import Optional

from portal.web.fields import EventDateField
from portal.web.forms import at_most, strip


class AuditFilterForm(Form):
    """Filters in the URL (GET), so a view can be bookmarked: no CSRF, nothing changes."""

    action = StringField("Action starts with", filters=[strip],
                         validators=[Optional(), at_most(60, "the action")])
    email = StringField("User's email address", filters=[strip],
                        validators=[Optional(), at_most(254, "the email address")])
    outcome = SelectField("Outcome", choices={"": "Any", "success": "Success", "failure": "Failure",
                                   "refused": "Refused"},
                          validators=[Optional()])
    # M/D/YYYY like every other date typed in the portal; the day is the program's.
    since = EventDateField("From", thing="the from date", filters=[strip],
                           validators=[Optional()])
    until = EventDateField("To", thing="the to date", filters=[strip], validators=[Optional()])

    def error_items(self):
        return [(f.id, m) for f in self for m in f.errors[:1]]

from __future__ import annotations

from wtforms import DateField, Form, SelectField, StringField
from wtforms.validators import Optional

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
    since = DateField("From (YYYY-MM-DD)", validators=[Optional()],
                      render_kw={"placeholder": "YYYY-MM-DD"})
    until = DateField("To (YYYY-MM-DD)", validators=[Optional()])

    def error_items(self):
        return [(f.id, f"Enter the {f.label.text.split(' (')[0].lower()} date as YYYY-MM-DD")
                if f.type == "DateField" else (f.id, m) for f in self for m in f.errors[:1]]

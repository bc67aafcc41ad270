from __future__ import annotations

from wtforms import Form, SelectField
from wtforms.validators import Optional

from portal.prosecutor.fields import CHANGES


class ChangeFilterForm(Form):
    """The filter in the URL (GET): a view can be bookmarked; nothing changes."""

    change = SelectField("Status", choices={"": "Any status", **CHANGES}, validators=[Optional()])

    def error_items(self):
        return [(f.id, m) for f in self for m in f.errors[:1]]

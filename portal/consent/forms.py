"""The consent forms that stand on their own page: recording a person's revocation."""

from __future__ import annotations

from datetime import date

from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import Optional

from portal.web.fields import EventDateField
from portal.web.forms import NOTE_LIMIT, PortalForm, at_most, required, strip

REVOCATION_METHODS = {"in_writing": "In writing", "in_person": "In person",
                      "by_phone": "By phone"}


class RevocationForm(PortalForm):
    requested_on = EventDateField("Date the person revoked consent", thing="the date of the "
                                  "revocation", validators=[required("the date of the revocation")])
    method = RadioField("How did they revoke it?", choices=REVOCATION_METHODS,
                        invalid_choice_message="Select how the person revoked consent",
                        validators=[required("how the person revoked consent", verb="Select")])
    note = TextAreaField("Note (optional)", filters=[strip],
                         validators=[Optional(), at_most(NOTE_LIMIT, "the note")])

    def validate_requested_on(self, field):
        if field.date and field.date > date.today():
            raise ValidationError("The date of the revocation must be today or in the past")

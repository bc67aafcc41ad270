"""The consent forms that stand on their own page: recording a person's revocation."""

from __future__ import annotations

from datetime import date

from wtforms import RadioField, TextAreaField, ValidationError
from wtforms.validators import Optional

from portal.web.fields import EventDateField
from portal.web.forms import NOTE_LIMIT, PortalForm, at_most, required, strip

# The consent texts say how a person cancels: "tell the program in writing" (a signed and dated
# note). A revocation recorded any other way is not the one the person was told about.
REVOCATION_METHODS = {"in_writing": "In writing: a signed and dated note from the person"}


class RevocationForm(PortalForm):
    requested_on = EventDateField("Date the person revoked consent", thing="the date of the "
                                  "revocation", validators=[required("the date of the revocation")])
    method = RadioField("How did they revoke it? (the consent asks for a note in writing)",
                        choices=REVOCATION_METHODS,
                        invalid_choice_message="Select how the person revoked consent",
                        validators=[required("how the person revoked consent", verb="Select")])
    note = TextAreaField("Note (optional)", filters=[strip],
                         validators=[Optional(), at_most(NOTE_LIMIT, "the note")])

    def validate_requested_on(self, field):
        if field.date and field.date > date.today():
            raise ValidationError("The date of the revocation must be today or in the past")

"""The forms of the "After acceptance" section on the coordinator's referral page. Each box says
who reads it: everything here is program staff only."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Optional

from portal.casework.vocabulary import METHODS, OUTCOMES
from portal.errors import Refused
from portal.web.fields import EventDateField
from portal.web.forms import NOTE_LIMIT, PortalForm, at_most, required, strip

FOR_STAFF = " (program staff only)"
KINDS = {"user": "A member of the program staff", "agency": "A named agency"}


class SectionForm(PortalForm):
    # A refusal of the whole form (who may record, the referral's state) points at the section,
    # or at the page when the referral has no such section: the fields may not be on the page.
    anchor = "after-acceptance"

    def _first_input_id(self) -> str:
        return self.anchor


class CaseManagerForm(SectionForm):
    # Ids of their own: the referral page holds the review's forms too.
    kind = RadioField("Who manages the case?", choices=KINDS, id="case-manager-kind",
                      validators=[required("who manages the case", verb="Select")])
    # Checked by validate_user (Optional() would stop the chain before it on an empty choice).
    user = SelectField("Program staff member", id="case-manager-user", validate_choice=False)
    agency = StringField("Agency" + FOR_STAFF, id="case-manager-agency", filters=[strip],
                         validators=[at_most(200, "the agency")])
    contact = StringField("Contact at the agency, optional" + FOR_STAFF,
                          id="case-manager-contact", filters=[strip],
                          description="A name, a phone number or an email address",
                          validators=[at_most(200, "the contact")])

    def for_staff(self, staff: dict[str, str]) -> CaseManagerForm:
        self.user.choices = {"": "Choose a staff member"} | staff
        return self

    def validate_user(self, field):
        if self.kind.data == "user":
            if not field.data:
                raise ValidationError("Select the program staff member")
            if field.data not in dict(self.user.choices):
                raise ValidationError("Select a staff member from the list")

    def validate_agency(self, field):
        if self.kind.data == "agency" and not field.data:
            raise ValidationError("Enter the agency's name")


class ContactAttemptForm(SectionForm):
    attempted_on = EventDateField("Date of the attempt", thing="the date of the attempt",
                                  id="attempt-date")
    method = RadioField("How did you try to reach the person?", choices=METHODS,
                        id="attempt-method",
                        validators=[required("how you tried to reach the person",
                                             verb="Select")])
    outcome = RadioField("What came of it?", choices=OUTCOMES, id="attempt-outcome",
                         validators=[required("what came of the attempt", verb="Select")])
    note = TextAreaField("Note, optional" + FOR_STAFF, id="attempt-note", filters=[strip],
                         validators=[Optional(), at_most(NOTE_LIMIT, "the note")])

    def for_referral(self, check) -> ContactAttemptForm:
        """``check(day)`` raises Refused for a day the referral's attempts cannot have (the
        operation's own rule, so that the form and the operation cannot disagree)."""
        self._check = check
        return self

    def validate_attempted_on(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Enter the date of the attempt")
        if field.date is not None and getattr(self, "_check", None):
            try:
                self._check(field.date)
            except Refused as refused:
                raise ValidationError(refused.message) from None

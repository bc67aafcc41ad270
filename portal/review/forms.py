from __future__ import annotations

from wtforms import (
    BooleanField, Form, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.referrals.forms import NOTE_LIMIT, _today
from portal.web.fields import EventDateField, MultiCheckboxField
from portal.web.forms import PortalForm, at_most, required, strip


class VersionedForm(PortalForm):
    """Carries the version of the referral the coordinator saw, to refuse a stale action."""

    version = IntegerField(validators=[InputRequired(message="Reload the page and try again")])

    def _first_input_id(self) -> str:
        # The version is a hidden input without an id; a refusal of the action as a whole (the
        # referral's state) has no field to point at, so its summary link goes to the page.
        return "main-content"


def _note(label: str, thing: str, optional: bool = False, ident: str | None = None):
    # DataRequired judges the stripped text: a note of spaces is no note.
    checks = [Optional()] if optional else [DataRequired(message=f"Enter {thing}")]
    return TextAreaField(label, filters=[strip], validators=[*checks, at_most(NOTE_LIMIT, thing)],
                         id=ident)


class ActionForm(VersionedForm):
    """Claim or release: nothing to fill in."""


# Every box a coordinator writes in says who will read it: the referring partner, or program
# staff only (42 CFR Part 2: the partner must not read what the program keeps for itself).
FOR_PARTNER = " (the referring partner will read this)"
FOR_STAFF = " (program staff only)"


def _message(ident: str):
    return _note("Message to the partner" + FOR_PARTNER, "the message to the partner",
                 optional=True, ident=ident)


class AcceptForm(VersionedForm):
    justification = _note("Why accept against the screening?" + FOR_STAFF,
                          "why you are accepting against the screening", optional=True)
    message = _message("accept-message")
    # Asked only when the intake deadline has passed: accepting then needs a second look.
    past_deadline = BooleanField("I know the intake deadline has passed, and I accept the "
                                 "referral anyway (extend the deadline after accepting)")


class DeclineForm(VersionedForm):
    reason = RadioField("Reason (the referring partner will see it)",
                        validators=[required("a reason", verb="Select")])
    declined_by = RadioField("Who declined?", choices={"program": "The program",
                                                       "person": "The person"},
                             validators=[required("who declined", verb="Select")])
    message = _message("decline-message")
    # The referral page shows this form beside the reassign form: ids of their own.
    note = _note("Internal note" + FOR_STAFF, "a note explaining the decision",
                 ident="decline-note")

    def for_ruleset(self, ruleset) -> DeclineForm:
        self.reason.choices = dict(ruleset.offered_decline_reasons)  # only reasons that can apply
        return self


class RequestInformationForm(VersionedForm):
    question = _note("What do you need from the partner?" + FOR_PARTNER,
                     "what you need from the partner")
    # The choices are the referral's own pages (for_pages): read from the steps at run time.
    pages = MultiCheckboxField("Pages the partner should correct (optional; the referring "
                               "partner will see which)", validators=[Optional()],
                               invalid_choice_message="Tick only pages of this referral",
                               id="question-pages")
    context = _note("Why you are asking" + FOR_STAFF, "why you are asking", optional=True,
                    ident="question-context")

    def for_pages(self, steps) -> RequestInformationForm:
        self.pages.choices = [(step.slug, step.title) for step in steps]
        return self


class IntakeForm(VersionedForm):
    outcome = RadioField("Intake", choices={"completed": "Intake completed",
                                            "missed": "Intake missed"},
                         validators=[required("whether intake was completed", verb="Select")])
    # No Optional(): it would stop the chain before validate_completed_on, and "completed"
    # without a date would then be recorded as intake missed.
    completed_on = EventDateField("Date of intake", thing="the date of intake")

    def validate_completed_on(self, field):
        if self.outcome.data == "completed" and not field.data:
            raise ValidationError("Enter the date of intake")
        if field.date and field.date > _today():
            raise ValidationError("The date of intake must be today or in the past")


class ExtendDeadlineForm(VersionedForm):
    """A later intake deadline. The reason stays with program staff: whoever is told of the
    extension (the prosecutor) is told the new date only."""

    new_deadline = EventDateField("New intake deadline", thing="the new intake deadline",
                                  validators=[DataRequired(message="Enter the new intake deadline")])
    reason = _note("Why extend it?" + FOR_STAFF, "why you are extending the deadline",
                   ident="extend-reason")


class ReassignForm(VersionedForm):
    coordinator = SelectField("Reassign to", coerce=int, validators=[
        required("the coordinator to reassign to", verb="Select")])
    note = _note("Note for them" + FOR_STAFF, "a note for the coordinator", ident="reassign-note")


class NoteForm(PortalForm):
    body = _note("Add a note (program staff only)", "the note")


class QueueFilterForm(Form):
    """Filters in the URL (GET): a view can be bookmarked; nothing changes."""

    q = StringField("Search every referral", filters=[strip],
                    validators=[Optional(), at_most(200, "the search")],
                    description="A reference, a name, a date of birth (M/D/YYYY) or an incident "
                                "number")
    status = SelectField("Status", validators=[Optional()])
    route = SelectField("Route", validators=[Optional()])
    screening = SelectField("Screening", choices={"": "Any", "eligible": "Eligible",
                                                  "needs_review": "Needs review",
                                                  "ineligible": "Ineligible"},
                            validators=[Optional()])
    partner = SelectField("Partner", validators=[Optional()])
    claimed = SelectField("Claimed", choices={"": "Anyone or no one", "me": "Claimed by me",
                                              "unclaimed": "Unclaimed"}, validators=[Optional()])
    overdue = SelectField("Deadline", choices={"": "Any", "1": "Overdue only"},
                          validators=[Optional()])
    after = HiddenField()

    def error_items(self):
        return [(f.id, m) for f in self for m in f.errors[:1]]

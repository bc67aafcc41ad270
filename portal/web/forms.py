"""One voice for every form: error copy is built from the thing asked for (GOV.UK Notify's way)."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import Email, InputRequired, Length, StopValidation

from portal.web import emails
from portal.web.security import csrf_failed

# The longest free-text answer a form takes (a note, a reason, an answer to a question).
NOTE_LIMIT = 2000
EXPIRED = "This page expired before it was sent. Your answers are kept: check them and send again"


class PortalForm(FlaskForm):
    """A form whose CSRF failure reads as a plain error and keeps every answer typed."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        token = getattr(self, self.meta.csrf_field_name, None) if self.meta.csrf else None
        if token is not None and token.errors:
            csrf_failed.send(current_app._get_current_object())
        return valid

    def error_items(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order the fields appear."""
        items = [(self._first_input_id(), message) for message in self.form_errors]
        for field in self:
            for message in field.errors:
                if field.name == "csrf_token":
                    # Flask-WTF's wording ("The CSRF token has expired") means nothing to a partner.
                    items.append((self._first_input_id(), EXPIRED))
                else:
                    items.append((field_anchor(field), message))
        return items

    def _first_input_id(self) -> str:
        for field in self:
            if field.type not in {"CSRFTokenField", "HiddenField", "SubmitField"}:
                return field_anchor(field)
        return "main-content"


def field_anchor(field) -> str:
    """The id an error link should jump to: the first input of grouped fields."""
    if field.type in {"RadioField", "MultiCheckboxField"}:
        return f"{field.id}-0"
    if field.type == "MemorableDateField":
        return f"{field.id}-month"
    return field.id


class ConfirmForm(PortalForm):
    """A button that changes something: only the CSRF token."""


class NotBlank(InputRequired):
    """InputRequired (the field was sent, not left out), refusing an answer of spaces too:
    InputRequired looks at the raw input, before the strip filter, so "   " would pass."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def required(thing: str, verb: str = "Enter"):
    return NotBlank(message=f"{verb} {thing}")


def at_most(characters: int, thing: str):
    return Length(max=characters, message=f"{thing[0].upper()}{thing[1:]} must be {characters:,} "
                                          "characters or fewer")


def email_address(thing: str = "an email address"):
    """A well-formed address that the portal can store (portal.web.emails)."""
    well_formed = Email(message=f"Enter {thing} in the correct format, like name@example.com",
                        check_deliverability=False)

    def validate(form, field):
        problem = emails.problem(field.data or "")
        if problem:
            raise StopValidation(problem)
        well_formed(form, field)

    return validate


def strip(value):
    return value.strip() if isinstance(value, str) else value


def phone_number(_form, field):
    """7 to 15 digits, typed any way people type them: spaces, dashes, brackets, a leading +."""
    digits = sum(c.isdigit() for c in field.data or "")
    if field.data and not 7 <= digits <= 15:
        raise ValidationError("Enter a phone number, like 303 555 0100")

from __future__ import annotations

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, Optional, ValidationError

from portal.accounts.passwords import MAX_LENGTH, password_problem
from portal.web.forms import PortalForm, at_most, email_address, phone_number, required, strip


class SignInForm(PortalForm):
    email = StringField("Email address", filters=[strip],
                        validators=[required("your email address"), at_most(254, "your email address")])
    password = PasswordField("Password", validators=[required("your password"),
                                                      at_most(MAX_LENGTH, "your password")])
    next = HiddenField()


class CodeForm(PortalForm):
    code = StringField("Code", filters=[strip],
                       validators=[required("the 6-digit code from your authenticator app"),
                                   at_most(20, "the code")])


class NewPasswordMixin:
    """A new password, checked against the policy, typed twice."""

    def hints(self) -> tuple[str, ...]:
        return ()

    def validate_password(self, field):
        problem = password_problem(field.data or "", hints=self.hints())
        if problem:
            raise ValidationError(problem)


class AcceptInvitationForm(NewPasswordMixin, PortalForm):
    password = PasswordField("Create a password", validators=[required("a password")])
    confirm = PasswordField("Confirm your password", validators=[
        required("your password again"), EqualTo("password", message="The passwords do not match. "
                                                 "Enter the same password twice")])
    code = StringField("Code from your authenticator app", filters=[strip],
                       validators=[required("the 6-digit code your authenticator app shows"),
                                   at_most(20, "the code")])


class ResetRequestForm(PortalForm):
    email = StringField("Email address", filters=[strip],
                        validators=[required("your email address"), email_address(),
                                    at_most(254, "your email address")])


class ResetPasswordForm(AcceptInvitationForm):
    code = StringField("Code from your authenticator app", filters=[strip],
                       validators=[required("the 6-digit code from your authenticator app, or a "
                                            "recovery code"), at_most(20, "the code")])


class ChangePasswordForm(NewPasswordMixin, PortalForm):
    current_password = PasswordField("Current password", validators=[
        required("your current password"), at_most(MAX_LENGTH, "your current password")])
    password = PasswordField("New password", validators=[required("a new password")])
    confirm = PasswordField("Confirm your new password", validators=[
        required("your new password again"),
        EqualTo("password", message="The passwords do not match. Enter the same password twice")])


class ProfileForm(PortalForm):
    name = StringField("Full name", filters=[strip],
                       validators=[required("your full name"), at_most(200, "your name")])
    phone = StringField("Phone number", filters=[strip],
                        validators=[Optional(), at_most(40, "your phone number"), phone_number])
    badge_number = StringField("Badge number", filters=[strip],
                               validators=[Optional(), at_most(40, "your badge number")])

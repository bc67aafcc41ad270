from __future__ import annotations

from wtforms import RadioField, StringField
from wtforms.validators import Optional

from portal.accounts.models import OrgKind, Role, roles_for
from portal.web.fields import MultiCheckboxField
from portal.web.forms import PortalForm, at_most, email_address, phone_number, required, strip


class OrganisationForm(PortalForm):
    name = StringField("Name of the organization", filters=[strip], validators=[
        required("the name of the organization"), at_most(200, "the name")])
    kind = RadioField("Kind of organization", choices={k.value: k.label for k in OrgKind},
                      validators=[required("the kind of organization", verb="Select")])


class InviteForm(PortalForm):
    name = StringField("Full name", filters=[strip], validators=[
        required("the person's full name"), at_most(200, "the name")])
    email = StringField("Work email address", filters=[strip], validators=[
        required("the person's work email address"), email_address(),
        at_most(254, "the email address")])
    role = RadioField("Role", validators=[required("a role", verb="Select")])
    phone = StringField("Phone number (optional)", filters=[strip], validators=[
        Optional(), at_most(40, "the phone number"), phone_number])
    badge_number = StringField("Badge number (officers)", filters=[strip], validators=[
        Optional(), at_most(40, "the badge number")])

    def for_kind(self, kind: OrgKind) -> InviteForm:
        self.role.choices = {r.value: r.label for r in roles_for(kind)}
        return self



class RoleForm(PortalForm):
    role = RadioField("Role", validators=[required("a role", verb="Select")])

    def for_kind(self, kind: OrgKind) -> RoleForm:
        self.role.choices = {r.value: r.label for r in roles_for(kind)}
        return self


class AgenciesForm(PortalForm):
    """A prosecutor's office: the police agencies whose arrest diversions it receives."""

    agencies = MultiCheckboxField("Police agencies this office serves", coerce=int,
                                  validators=[Optional()])

    def for_agencies(self, agencies) -> AgenciesForm:
        self.agencies.choices = [(agency.id, agency.name) for agency in agencies]
        return self


class DecisionForm(PortalForm):
    """Approve or reject an access request: the button pressed says which."""


def role_of(form) -> Role:
    return Role(form.role.data)

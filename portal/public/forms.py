from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.accounts.models import OrgKind
from portal.web.forms import PortalForm, at_most, email_address, phone_number, required, strip


class AccessRequestForm(PortalForm):
    organisation_name = StringField("Name of your organization", filters=[strip], validators=[
        required("the name of your organization"), at_most(200, "the name of your organization")])
    organisation_kind = RadioField("What kind of organization is it?", choices={
        OrgKind.LAW_ENFORCEMENT.value: "A law-enforcement agency",
        OrgKind.COMMUNITY_PARTNER.value: "A community partner (outreach, shelter, service provider, "
                                         "business)"},
        validators=[required("what kind of organization it is", verb="Select")])
    contact_name = StringField("Your full name", filters=[strip], validators=[
        required("your full name"), at_most(200, "your name")])
    contact_email = StringField("Your work email address", filters=[strip], validators=[
        required("your work email address"), email_address(), at_most(254, "your email address")])
    contact_phone = StringField("Your phone number (optional)", filters=[strip], validators=[
        Optional(), at_most(40, "your phone number"), phone_number])
    reason = TextAreaField("Why does your organization want to refer people to LEAD?",
                           filters=[strip], validators=[
                               required("why your organization wants to refer people"),
                               at_most(2000, "the reason")])
    # A honeypot: invisible to people, filled in by bots.
    website = StringField("Leave this field empty")


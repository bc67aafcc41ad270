from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import InputRequired

from portal.accounts.models import Role
from portal.notifications.kinds import CHOICE_LABELS, notices_for
from portal.web.forms import PortalForm


def choices_form(role: Role, current: dict[str, str]) -> PortalForm:
    """One question per notice the role may choose about (required ones have one choice)."""

    class ChoicesForm(PortalForm):
        pass

    for notice, rule in notices_for(role):
        if len(rule.choices) > 1:
            setattr(ChoicesForm, notice.code, RadioField(
                notice.label, choices=[(c, CHOICE_LABELS[c]) for c in rule.choices],
                default=current.get(notice.code, rule.default),
                validators=[InputRequired(message=f"Choose whether to get this notice: "
                                                  f"{notice.label.lower()}")]))
    return ChoicesForm()


def chosen(form: PortalForm) -> dict[str, str]:
    return {field.name: field.data for field in form if field.name != "csrf_token"}

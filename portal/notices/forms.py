from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import AnyOf, InputRequired

from portal.accounts.models import Role
from portal.notices.kinds import CHOICE_LABELS, notices_for
from portal.web.forms import PortalForm


def choices_form(role: Role, current: dict[str, str]) -> PortalForm:
    """One question per notice the role may choose about (required ones have one choice)."""

    class ChoicesForm(PortalForm):
        pass

    for notice, rule in notices_for(role):
        if len(rule.choices) > 1:
            message = f"Choose how you get this notice: {notice.label.lower()}"
            # validate_choice off: AnyOf gives anything not offered the same plain message.
            setattr(ChoicesForm, notice.code, RadioField(
                notice.label, choices={c: CHOICE_LABELS[c] for c in rule.choices},
                default=current.get(notice.code, rule.default), validate_choice=False,
                validators=[InputRequired(message=message), AnyOf(rule.choices, message=message)]))
    return ChoicesForm()


def chosen(form: PortalForm) -> dict[str, str]:
    return {field.name: field.data for field in form if field.name != "csrf_token"}

"""The charges page (arrest diversion) and the conduct page (social contact), built from the
ruleset's catalogue: a checkbox per charge, grouped by level, with each charge's qualifiers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from wtforms import RadioField, ValidationError
from wtforms.validators import Optional

from portal.eligibility import OTHER_CHARGE, OTHER_CHARGE_LABEL, OTHER_CONDUCT_LABEL, Ruleset
from portal.referrals.answers import QUALIFIER_PREFIX
from portal.referrals.forms import StepForm, _today, required, text
from portal.web.fields import EventDateField, MultiCheckboxField

ANSWERS = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def qualifier_field_name(charge_code: str, qualifier_code: str) -> str:
    """As answers.py reads it back."""
    return f"{QUALIFIER_PREFIX}{charge_code}__{qualifier_code}"


@dataclass(frozen=True)
class ChargeRow:
    code: str
    label: str
    note: str
    index: int
    qualifiers: tuple[str, ...]  # the names of this charge's qualifier fields


class ChargesFormBase(StepForm):
    conduct = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for code in self.charges.data or []:
            for name in self.qualifier_fields.get(code, ()):
                field = self[name]
                if field.data not in ANSWERS:
                    field.errors = [*field.errors, f"Answer: {field.label.text}"]
                    valid = False
        return valid

    def dump(self) -> dict:
        page = super().dump()
        chosen = set(self.charges.data or [])
        for code, names in self.qualifier_fields.items():
            for name in names:
                if code not in chosen:
                    page[name] = None  # a question for a charge not chosen is not an answer
        return page


def _offered(ruleset: Ruleset, conduct: bool):
    """The charges, or (social contact) the kinds of conduct in plain words."""
    return ruleset.conduct_kinds() if conduct else ruleset.charges


def _name(charge, conduct: bool) -> str:
    return (charge.conduct or charge.label) if conduct else charge.label


def _charge_field(ruleset: Ruleset, conduct: bool) -> MultiCheckboxField:
    other = OTHER_CONDUCT_LABEL if conduct else OTHER_CHARGE_LABEL
    choices = {c.code: _name(c, conduct) for c in _offered(ruleset, conduct)} | {OTHER_CHARGE: other}
    label = "What kind of eligible conduct?" if conduct else "Charges"
    # Required (Optional() would stop the chain before any validate_charges method could refuse
    # an empty page).
    return MultiCheckboxField(label, choices=choices, validators=[
        required("the kind of conduct" if conduct else "at least one charge", verb="Select")],
        invalid_choice_message="Select " + ("the kind of conduct" if conduct else "charges")
                               + " from the list")


@lru_cache(maxsize=8)
def form_class(ruleset: Ruleset, conduct: bool) -> type[ChargesFormBase]:
    """One class per ruleset (and page): the questions are the ruleset's."""
    attrs: dict = {"conduct": conduct, "charges": _charge_field(ruleset, conduct)}
    qualifier_fields = {}
    for charge in _offered(ruleset, conduct):
        names = []
        for qualifier in charge.qualifiers:
            name = qualifier_field_name(charge.code, qualifier.code)
            asked = (f"{_name(charge, conduct)}: "
                     f"{qualifier.asked_about_conduct if conduct else qualifier.question}")
            attrs[name] = RadioField(asked, choices=ANSWERS, invalid_choice_message=f"Answer: {asked}",
                                     validators=[Optional()])
            names.append(name)
        qualifier_fields[charge.code] = tuple(names)
    attrs["qualifier_fields"] = qualifier_fields
    other = "Describe the other " + ("conduct" if conduct else "charge")
    attrs["other_description"] = text(
        other, "the description", message=other,
        needed=lambda form: OTHER_CHARGE in (form.charges.data or []))
    if conduct:
        attrs["last_conduct_date"] = EventDateField(
            "Date of the most recent instance", thing="the date of the most recent conduct",
            validators=[required("the date of the most recent conduct")])
        attrs["validate_last_conduct_date"] = _validate_conduct_date
    return type("ConductForm" if conduct else "ChargesForm", (ChargesFormBase,), attrs)


def _validate_conduct_date(form, field):
    if field.date and field.date > _today():
        raise ValidationError("The date of the most recent conduct must be today or in the past")


def grouped(form: ChargesFormBase, ruleset: Ruleset) -> list[tuple[str, list[ChargeRow]]]:
    """The page's layout: levels in order, charges in file order, 'other' last. Conduct is one
    plain list, without levels or the charges' legal notes: nobody was charged."""
    index = {code: i for i, (code, _label) in enumerate(form.charges.choices.items())}
    if form.conduct:
        return [("", [ChargeRow(code, label, "", index[code], form.qualifier_fields.get(code, ()))
                      for code, label in form.charges.choices.items()])]
    groups = []
    for level, charges in ruleset.charges_by_level().items():
        rows = [ChargeRow(c.code, c.label, c.note, index[c.code],
                          form.qualifier_fields.get(c.code, ())) for c in charges]
        if rows:
            groups.append((ruleset.level_label(level), rows))
    groups.append(("Other", [ChargeRow(OTHER_CHARGE, OTHER_CHARGE_LABEL, "", index[OTHER_CHARGE], ())]))
    return groups

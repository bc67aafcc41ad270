"""The queue's filter fields, written out in Python: the markup of the ``input`` and ``select``
macros of templates/macros/forms.html, character for character.

Seven macro calls (each with its hint, error and aria-describedby macros, and a loop over the
options) were a large part of the queue page's render; here each field is a few string joins.
tests/review/test_filter_markup.py renders both and compares them: a change to those macros
must be made here too."""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup, escape

FIELD = """<div class="usa-form-group{group_error}">
  <label class="usa-label{label_error}" for="{id}">{label}</label>
  {hint}
{error}
  {control}
</div>"""
INPUT = """<input class="usa-input{error}"
         id="{id}" name="{name}" type="text"{value}{invalid}{described}>"""
SELECT = """<select class="usa-select{error}" id="{id}" name="{name}"{described}>
    {options}
  </select>"""
OPTION = """
    <option value="{value}"{selected}>{label}</option>
    """


class Fields(NamedTuple):
    search: Markup
    selects: list[Markup]


def fields(form) -> Fields:
    """The queue's filter form (portal/review/forms.py QueueFilterForm), field by field."""
    return Fields(search_field(form.q, form.q.description),
                  [select_field(f) for f in (form.status, form.route, form.screening,
                                             form.partner, form.claimed, form.overdue)])


def search_field(field, hint: str) -> Markup:
    """``input(field, hint=hint)``: a text field with its hint."""
    value = "" if field.data is None else f' value="{escape(field.data)}"'
    control = INPUT.format(error=_error_class(field), id=escape(field.id), name=escape(field.name),
                           value=value, invalid=' aria-invalid="true"' if field.errors else "",
                           described=_described(field, hint))
    return _field(field, hint, control)


def select_field(field) -> Markup:
    """``select(field)``: the options, the chosen one selected."""
    options = "".join(OPTION.format(value=escape(choice.value), label=escape(choice.label),
                                    selected=" selected" if choice.selected else "")
                      for choice in field.iter_choices())
    control = SELECT.format(error=_error_class(field), id=escape(field.id),
                            name=escape(field.name), described=_described(field, None),
                            options=options)
    return _field(field, None, control)


def _field(field, hint: str | None, control: str) -> Markup:
    error = ""
    if field.errors:
        error = (f'<span class="usa-error-message" id="{escape(field.id)}-error"><span '
                 f'class="usa-sr-only">Error: </span>{escape(field.errors[0])}</span>')
    return Markup(FIELD.format(
        group_error=" usa-form-group--error" if field.errors else "",
        label_error=" usa-label--error" if field.errors else "", id=escape(field.id),
        label=escape(field.label.text), control=control, error=error,
        hint=f'<div class="usa-hint" id="{escape(field.id)}-hint">{escape(hint)}</div>'
        if hint else ""))


def _error_class(field) -> str:
    return " usa-input--error" if field.errors else ""


def _described(field, hint: str | None) -> str:
    ids = [f"{field.id}-hint"] * bool(hint) + [f"{field.id}-error"] * bool(field.errors)
    return f' aria-describedby="{escape(" ".join(ids))}"' if ids else ""

"""Check your answers: every answer in words, grouped by section, with a link to change it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from wtforms import BooleanField, RadioField, SelectMultipleField

from portal.eligibility import OTHER_CHARGE, Ruleset
from portal.referrals import steps
from portal.referrals.charges import ANSWERS, qualifier_field_name
from portal.web.dates import long_date
from portal.web.fields import EventDateField, MemorableDateField, parse_event_date

# Not answers: the token, and the consent page's record of which text was shown (the person
# page's own "language" is an answer, and is shown).
HIDDEN = {"csrf_token"}
HIDDEN_ON = {"consent": {"text_id", "language"}}


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    change_url: str | None


def sections(referral, ruleset: Ruleset,
             editable: bool | None = None) -> list[tuple[str, list[Row]]]:
    """``editable``: with Change links (default: a draft's, for its author's check page)."""
    grouped: dict[str, list[Row]] = {}
    editable = referral.status.value == "draft" if editable is None else editable
    for step in steps.steps_for(referral.route):
        stored = referral.answers.get(step.slug)
        if stored is None:
            continue
        url = (url_for("referrals.step", referral_id=referral.id, slug=step.slug, **{"return": "check"})
               if editable else None)
        grouped.setdefault(step.section, []).extend(_rows(step, stored, ruleset, url))
    return list(grouped.items())


def _rows(step, stored: dict, ruleset: Ruleset, url: str | None) -> list[Row]:
    if step.slug in {"charges", "conduct"}:
        return _charge_rows(step, stored, ruleset, url)
    form = step.form_class(ruleset)(formdata=None, data=stored, meta={"csrf": False})
    if step.slug == "concerns":
        form.for_ruleset(ruleset)
    rows = []
    hidden = HIDDEN | HIDDEN_ON.get(step.slug, set())
    for field in form:
        if field.name in hidden or (field.data in (None, "", []) and field.flags.optional):
            continue
        rows.append(Row(_label(field), _value(field), url))
    # A page left blank (nothing of concern) still shows, with its Change link.
    return rows or [Row(step.title, "None", url)]


def _label(field) -> str:
    return field.label.text.replace(" (optional)", "")


def _value(field) -> str:
    if isinstance(field, MemorableDateField):
        return _date(field.data)
    if isinstance(field, EventDateField):
        return _date(parse_event_date(field.data or "")) if field.data else "Not given"
    if isinstance(field, BooleanField):
        return "Yes" if field.data else "No"
    if isinstance(field, SelectMultipleField):
        labels = dict((c.value, c.label) for c in field.iter_choices())
        return ", ".join(labels.get(v, v) for v in field.data or []) or "None"
    if isinstance(field, RadioField):
        return dict((c.value, c.label) for c in field.iter_choices()).get(field.data, "Not given")
    return str(field.data) if field.data not in (None, "") else "Not given"


def _date(value: date | None) -> str:
    return long_date(value) if value else "Not given"


def _charge_rows(step, stored: dict, ruleset: Ruleset, url: str | None) -> list[Row]:
    rows = []
    for code in stored.get("charges") or []:
        if code == OTHER_CHARGE:
            rows.append(Row("Other", stored.get("other_description") or "Not described", url))
            continue
        charge = ruleset.charge(code)
        answers = [f"{q.question} {ANSWERS.get(stored.get(qualifier_field_name(code, q.code)), 'Not given')}"
                   for q in charge.qualifiers]
        rows.append(Row(charge.label, "; ".join(answers) or ruleset.level_label(charge.level), url))
    if step.slug == "conduct":
        stored_date = stored.get("last_conduct_date")
        when = _date(date.fromisoformat(stored_date)) if stored_date else "Not given"
        rows.append(Row("Date of the most recent instance", when, url))
    return rows

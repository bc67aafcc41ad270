"""Answers in words: the rows of check your answers, the referral pages and the receipts.

Labels come from the step definitions (each step's form class declares its questions, read
here without building a form) and from the ruleset (charges, their questions, concerns); values
come from the typed answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from wtforms import BooleanField, RadioField, SelectMultipleField
from wtforms.fields.core import UnboundField

from portal.eligibility import OTHER_CHARGE, Ruleset
from portal.referrals import steps
from portal.referrals.answers import Answers, Charges
from portal.web.dates import long_date as _written
from portal.web.fields import EventDateField, MemorableDateField

# Not answers: the consent page's record of which text was shown (the person page's own
# "language" is an answer, and is shown).
HIDDEN_ON = {"consent": {"text_id", "language"}}
QUALIFIER_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known"}
NOT_GIVEN = "Not given"
# The typed page each step's answers are read from (both charge pages read Answers.charges).
PAGE_OF = {"conduct": "charges"}


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    change_url: str | None = None


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    kind: type
    choices: Mapping[str, str]
    optional: bool


def long_date(day: date | None) -> str:
    return _written(day) if day else NOT_GIVEN


@lru_cache(maxsize=64)
def questions(step: steps.Step, ruleset: Ruleset) -> tuple[Question, ...]:
    """The questions a step's form class declares, in order, read from its unbound fields."""
    form_class = step.form_class(ruleset)
    hidden = HIDDEN_ON.get(step.slug, set())
    declared = sorted(((name, value) for name in dir(form_class)
                       if not name.startswith("_") and name not in hidden
                       and isinstance(value := getattr(form_class, name), UnboundField)),
                      key=lambda item: item[1].creation_counter)
    return tuple(_question(name, unbound) for name, unbound in declared)


def _question(name: str, unbound: UnboundField) -> Question:
    label = unbound.args[0] if unbound.args else unbound.kwargs.get("label", name)
    validators = unbound.kwargs.get("validators") or ()
    optional = any("optional" in getattr(v, "field_flags", {}) for v in validators)
    return Question(name, label.replace(" (optional)", ""), unbound.field_class,
                    dict(unbound.kwargs.get("choices") or {}), optional)


def sections(answers: Answers, ruleset: Ruleset,
             change_url: Callable[[str], str] | None = None) -> list[tuple[str, list[Row]]]:
    """Every answered page's rows, grouped by section; ``change_url(slug)`` adds Change links."""
    grouped: dict[str, list[Row]] = {}
    for step in steps.steps_for(answers.route):
        if step.slug not in answers.answered:
            continue
        url = change_url(step.slug) if change_url else None
        grouped.setdefault(step.section, []).extend(page_rows(step, answers, ruleset, url))
    return list(grouped.items())


def page_rows(step: steps.Step, answers: Answers, ruleset: Ruleset,
              url: str | None = None) -> list[Row]:
    page = getattr(answers, PAGE_OF.get(step.slug, step.slug))
    if isinstance(page, Charges):
        return _charge_rows(step, page, ruleset, url)
    rows = [Row(q.label, _words(q, value), url) for q in questions(step, ruleset)
            if not ((value := getattr(page, q.name, None)) in (None, "", ()) and q.optional)]
    # A page left blank (nothing of concern) still shows, with its Change link.
    return rows or [Row(step.title, "None", url)]


def _words(question: Question, value) -> str:
    if issubclass(question.kind, (MemorableDateField, EventDateField)):
        return long_date(value)
    if issubclass(question.kind, BooleanField):
        return "Yes" if value else "No"
    if issubclass(question.kind, SelectMultipleField):
        return ", ".join(question.choices.get(v, v) for v in value or ()) or "None"
    if issubclass(question.kind, RadioField):
        return question.choices.get(value, NOT_GIVEN)
    return str(value) if value not in (None, "") else NOT_GIVEN


def _charge_rows(step, page: Charges, ruleset: Ruleset, url: str | None) -> list[Row]:
    rows = []
    for charge in page.charges:
        known = ruleset.charge_by_code.get(charge.code)
        if charge.code == OTHER_CHARGE:
            rows.append(Row("Other", charge.description or "Not described", url))
            continue
        if known is None:  # an old draft's charge that the rules no longer list
            rows.append(Row(charge.code, "Not a charge in the current rules", url))
            continue
        conduct = step.slug == "conduct"
        asked = [f"{q.asked_about_conduct if conduct else q.question} "
                 f"{QUALIFIER_WORDS.get(charge.answer(q.code), NOT_GIVEN)}" for q in known.qualifiers]
        if conduct:  # plain words, no charge level: nobody was charged
            rows.append(Row("Conduct", "; ".join([ruleset.conduct_label(known.code), *asked]), url))
        else:
            rows.append(Row(known.label, "; ".join(asked) or ruleset.level_label(known.level), url))
    if step.slug == "conduct":
        rows.append(Row("Date of the most recent instance", long_date(page.last_conduct_date),
                        url))
    return rows


def charge_names(page: Charges, ruleset: Ruleset, names: Mapping[str, str],
                 other_word: str, *, conduct: bool = False) -> tuple[str, ...]:
    """Each charge by name (``names``: a document's own wording, by code, first), the other
    charge with its description. ``conduct``: the kinds of conduct, in the ruleset's plain words."""
    labels = []
    for charge in page.charges:
        known = ruleset.charge_by_code.get(charge.code)
        if charge.code == OTHER_CHARGE:
            labels.append(f"{other_word}: {charge.description}".strip())
        elif known is None:
            labels.append(names.get(charge.code) or charge.code)
        else:
            labels.append(names.get(charge.code)
                          or (ruleset.conduct_label(charge.code) if conduct else known.label))
    return tuple(labels)

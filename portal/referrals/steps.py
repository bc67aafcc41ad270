"""The question pages of each route, as data: what each asks, with which form, in which template.

The step view (routes.py) is one generic handler: everything that differs between pages is here,
declared on its Step (a form factory, a template, and at most three small hooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from werkzeug.datastructures import MultiDict

from portal.consent import glossary
from portal.consent.texts import signature_matches
from portal.eligibility import Ruleset
from portal.referrals import charges, forms
from portal.referrals.answers import ARREST, SOCIAL, Answers
from portal.web.fields import clock

BOTH = (ARREST, SOCIAL)


@dataclass(frozen=True)
class Visit:
    """One visit to a question page: what its form and hooks may read."""

    referral: object
    answers: Answers
    user: object
    ruleset: Ruleset
    settings: object
    texts: object  # the consent texts
    today: date
    language: str | None = None  # a language asked for in the request (the consent page)
    now: datetime | None = None  # in the program's time zone (settings.timezone)

    def form_context(self) -> dict:
        """What validation needs to know; the same for every page."""
        return {"officer": self.user.organisation.kind.value == "law_enforcement",
                "contact_date": self.answers.contact_date(self.today),
                "minimum_age": self.ruleset.minimum_age,
                "legal_name": self.answers.person.legal_name,
                "signature_matches": signature_matches, "texts": self.texts,
                "route": self.answers.route,
                "today": self.now.date() if self.now else None}


Hook = Callable[..., object]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    section: str
    routes: tuple[str, ...]
    form: Callable[[Ruleset], type[forms.StepForm]]
    intro: str = ""
    template: str = "generic"
    # The answers a page starts from before it is first answered (visit -> dict).
    defaults: Hook | None = field(default=None, compare=False)
    # Fills what the form needs before it is shown (form, visit -> None).
    prepare: Hook | None = field(default=None, compare=False)
    # More for the template (form, visit -> dict).
    view: Hook | None = field(default=None, compare=False)

    def form_class(self, ruleset: Ruleset) -> type[forms.StepForm]:
        return self.form(ruleset)


def _fixed(form_class):
    return lambda ruleset: form_class


def _profile(visit: Visit) -> dict:
    """The referrer page starts from the partner's profile."""
    return _profile_of(visit.user)


def _profile_of(user) -> dict:
    return {"name": user.name, "badge_number": user.badge_number, "phone": user.phone}


def complete_profile(user) -> dict | None:
    """The referrer page's answers, when the user's profile answers all of it validly."""
    form = forms.ReferrerForm(formdata=MultiDict({k: v or "" for k, v in _profile_of(user).items()}),
                              meta={"csrf": False})
    form.context = {"officer": user.organisation.kind.value == "law_enforcement"}
    return form.dump() if form.validate() else None


def _now(visit: Visit) -> dict:
    """The arrest page starts at now: an officer refers from the scene, or just after."""
    if visit.now is None:
        return {}
    return {"arrest_date": visit.now.date().isoformat(), "arrest_time": clock(visit.now)}


def _charge_groups(form, visit: Visit) -> dict:
    return {"groups": charges.grouped(form, visit.ruleset)}


def consent_text(visit: Visit):
    """In the person's language where there is a text in it; the partner may switch."""
    language = visit.language or visit.answers.person.language
    return visit.texts.current(visit.answers.route, language if language in {"en", "es"} else "en")


def consent_values(answers: Answers, organisation_name: str, settings, ruleset: Ruleset) -> dict:
    """The values a consent text is filled with: the same on the page and on the copy."""
    route = ruleset.route_by_code.get(answers.route)
    return {"person_name": answers.person.legal_name or "the person",
            "referring_organisation": organisation_name,
            "program_name": settings.program_name,
            "intake_deadline_days": (route.intake_deadline_days if route else None) or ""}


def _sign(form, visit: Visit) -> None:
    if form.is_submitted():
        return
    text = consent_text(visit)
    form.text_id.data, form.language.data = text.id, text.language
    form.signed_on.data = form.signed_on.data or visit.today.strftime("%-m/%-d/%Y")


def _consent_view(form, visit: Visit) -> dict:
    text = consent_text(visit)
    values = consent_values(visit.answers, visit.referral.organisation.name, visit.settings,
                            visit.ruleset)
    words = forms.CONSENT_PAGE.get(text.language, forms.CONSENT_PAGE["en"])
    route_name = (None if text.language == "en" else  # the English page uses the route's label
                  glossary.term(visit.answers.route.replace("_", " ")).capitalize())
    return {"text": text, "sections": text.render(**values), "words": words,
            "route_name": route_name, "other_language": "es" if text.language == "en" else "en"}


STEPS = (
    Step("referrer", "Your details", "Referrer", BOTH, _fixed(forms.ReferrerForm),
         "These come from your profile. Correct them here if they have changed.",
         defaults=_profile),
    Step("arrest", "The arrest", "The arrest", (ARREST,), _fixed(forms.ArrestForm),
         "The date and time are now. Change them if the arrest was earlier.", defaults=_now),
    Step("charges", "Which charges?", "The arrest", (ARREST,),
         lambda ruleset: charges.form_class(ruleset, False),
         "Select every charge. Answer the questions under a charge only if you selected it.",
         template="charges", view=_charge_groups),
    Step("relationship", "How you know the person", "The contact", (SOCIAL,),
         _fixed(forms.RelationshipForm)),
    Step("conduct", "Their eligible conduct", "The contact", (SOCIAL,),
         lambda ruleset: charges.form_class(ruleset, True),
         "Select the kind of conduct that makes the person eligible, and when it last happened.",
         template="charges", view=_charge_groups),
    Step("whereabouts", "Where to find them", "The contact", (SOCIAL,),
         _fixed(forms.WhereaboutsForm)),
    Step("person", "The person", "The person", BOTH, _fixed(forms.PersonForm)),
    # One page since issue 14 (it was three: circumstances, demographics, concerns; drafts
    # stored with those pages still read, see answers.ABOUT_PAGES).
    Step("about", "About the person", "The person", BOTH, forms.about_form, template="about"),
    Step("exclusions", "Treatment court and orders", "Eligibility questions", BOTH,
         _fixed(forms.ExclusionsForm)),
    Step("consent", "The person's consent", "Consent", BOTH, _fixed(forms.ConsentForm),
         template="consent", prepare=_sign, view=_consent_view),
)
BY_SLUG = {step.slug: step for step in STEPS}


def steps_for(route: str) -> tuple[Step, ...]:
    return tuple(step for step in STEPS if route in step.routes)


def step_for(route: str, slug: str) -> Step | None:
    step = BY_SLUG.get(slug)
    return step if step is not None and route in step.routes else None


def next_step(route: str, slug: str) -> Step | None:
    route_steps = steps_for(route)
    position = [s.slug for s in route_steps].index(slug)
    return route_steps[position + 1] if position + 1 < len(route_steps) else None


def previous_step(route: str, slug: str) -> Step | None:
    route_steps = steps_for(route)
    position = [s.slug for s in route_steps].index(slug)
    return route_steps[position - 1] if position > 0 else None


def first_unanswered(answers: Answers) -> Step | None:
    """Where a partner resumes a draft: the first page not yet continued past."""
    return next((s for s in steps_for(answers.route) if s.slug not in answers.answered), None)


def unanswered(answers: Answers) -> list[Step]:
    return [s for s in steps_for(answers.route) if s.slug not in answers.answered]


def check_ruleset(ruleset: Ruleset, texts) -> None:
    """Every route of the ruleset has its question pages here and its consent text in each
    language: checked once at start, so that a ruleset naming a new route fails loudly instead of
    offering a referral nobody can fill in or sign."""
    named = {route for step in STEPS for route in step.routes}
    problems = [f"the ruleset's route {r.code!r} has no question pages (the portal has pages "
                f"for {sorted(named)})" for r in ruleset.routes if r.code not in named]
    for route in ruleset.routes:
        for language in ("en", "es"):
            try:
                texts.current(route.code, language)
            except LookupError:
                problems.append(f"the ruleset's route {route.code!r} has no consent text in "
                                f"{language!r}")
    if problems:
        raise ValueError("; ".join(problems))

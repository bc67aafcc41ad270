"""The question pages of each route, in order, and what each shows on check-your-answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.referrals import charges, forms

ARREST, SOCIAL = "arrest_diversion", "social_contact"
BOTH = (ARREST, SOCIAL)


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    section: str
    routes: tuple[str, ...]
    intro: str = ""

    def form_class(self, ruleset):
        if self.slug in {"charges", "conduct"}:
            return charges.form_class(ruleset, self.slug == "conduct")
        return FORMS[self.slug]


FORMS = {
    "referrer": forms.ReferrerForm, "arrest": forms.ArrestForm,
    "relationship": forms.RelationshipForm, "whereabouts": forms.WhereaboutsForm,
    "person": forms.PersonForm, "circumstances": forms.CircumstancesForm,
    "demographics": forms.DemographicsForm, "exclusions": forms.ExclusionsForm,
    "concerns": forms.ConcernsForm, "consent": forms.ConsentForm,
}

STEPS = (
    Step("referrer", "Your details", "Referrer", BOTH,
         "These come from your profile. Correct them here if they have changed."),
    Step("arrest", "The arrest", "The arrest", (ARREST,)),
    Step("charges", "Which charges?", "The arrest", (ARREST,),
         "Select every charge. Answer the questions under a charge only if you selected it."),
    Step("relationship", "How you know the person", "The contact", (SOCIAL,)),
    Step("conduct", "Their eligible conduct", "The contact", (SOCIAL,),
         "Select the kind of conduct that makes the person eligible, and when it last happened."),
    Step("whereabouts", "Where to find them", "The contact", (SOCIAL,)),
    Step("person", "The person", "The person", BOTH),
    Step("circumstances", "Their circumstances", "The person", BOTH),
    Step("demographics", "Race, ethnicity and gender", "The person", BOTH,
         "Ask the person. LEAD uses these answers only to measure whether it treats every "
         "community fairly; they never decide eligibility."),
    Step("exclusions", "Treatment court and orders", "Eligibility questions", BOTH),
    Step("concerns", "Anything of concern?", "Eligibility questions", BOTH,
         "Tick any that apply. A concern does not rule the person out: a coordinator looks at it."),
    Step("consent", "The person's consent", "Consent", BOTH),
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


def first_unanswered(route: str, answers: dict) -> Step | None:
    """Where a partner resumes a draft: the first page not yet continued past."""
    return next((step for step in steps_for(route) if step.slug not in answers), None)


def contact_date(route: str, answers: dict, today: date) -> date:
    """The day eligibility is judged on: the arrest, or (social contact) the day of referral."""
    if route == ARREST:
        stored = answers.get("arrest", {}).get("arrest_date")
        if stored:
            return date.fromisoformat(stored)
    return today

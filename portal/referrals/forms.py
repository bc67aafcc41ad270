"""One form per question page. Each dumps its answers as JSON-safe data for the draft."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from wtforms import BooleanField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from portal.eligibility import age_on
from portal.web.dates import long_date
from portal.web.fields import EventDateField, MemorableDateField, MultiCheckboxField, TimeField
from portal.web.forms import (
    EXPIRED, NOTE_LIMIT, NotBlank, PortalForm, at_most, phone_number, required, strip,
)

LINE_LIMIT = 200


def _today() -> date:
    return date.today()


class StepForm(PortalForm):
    """A question page. ``context`` carries what validation needs to know (the contact date)."""

    context: dict = {}

    def dump(self) -> dict:
        page = {}
        for field in self:
            if field.name == "csrf_token":
                continue
            value = field.data
            if isinstance(field, EventDateField):
                value = field.date.isoformat() if field.date else None
            elif isinstance(value, date):
                value = value.isoformat()
            page[field.name] = value
        return page


class OptionalUnless:
    """Optional, unless ``needed(form)``: then a blank answer is refused with ``message``.

    Optional() stops the validation chain on a blank field, so a ``validate_<field>`` method
    (which runs after it) never sees the blank it was written to refuse.
    """

    field_flags = {"optional": True}

    def __init__(self, needed, message: str):
        self.needed, self.message = needed, message

    def __call__(self, form, field):
        if field.data not in (None, "", []) and not (isinstance(field.data, str)
                                                    and not field.data.strip()):
            return
        if self.needed(form):
            raise StopValidation(self.message)
        field.errors[:] = []
        raise StopValidation()


def text(label: str, thing: str, *, optional: bool = False, limit: int = LINE_LIMIT,
         needed=None, message: str | None = None, **kw):
    checks = ([OptionalUnless(needed, message or f"Enter {thing}")] if needed else
              [Optional()] if optional else [required(thing)])
    return StringField(label, filters=[strip], validators=[*checks, at_most(limit, thing)], **kw)


def note(label: str, thing: str, *, optional: bool = True):
    checks = [Optional()] if optional else [required(thing)]
    return TextAreaField(label, filters=[strip], validators=[*checks, at_most(NOTE_LIMIT, thing)])


def choice(label: str, options: dict[str, str], thing: str):
    return RadioField(label, choices=options, validators=[required(thing, verb="Select")],
                      invalid_choice_message=f"Select {thing}")


class ReferrerForm(StepForm):
    name = text("Your full name", "your full name")
    badge_number = text("Your badge number", "your badge number", limit=40,
                        needed=lambda form: form.context.get("officer"))
    phone = StringField("A phone number to reach you", filters=[strip], validators=[
        required("a phone number to reach you"), at_most(40, "your phone number"), phone_number])


class ArrestForm(StepForm):
    incident_number = text("Incident or case number", "the incident or case number", limit=40)
    arrest_date = EventDateField("Date of the arrest", thing="the date of the arrest",
                                 validators=[required("the date of the arrest")])
    arrest_time = TimeField("Time of the arrest", thing="the time of the arrest", filters=[strip],
                            description="For example, 21:45, 2145 or 9:45pm",
                            validators=[required("the time of the arrest"),
                                        at_most(20, "the time")])
    arrest_place = text("Place of the arrest", "the place of the arrest")

    def validate_arrest_date(self, field):
        # The program's today (the page offers its date): not the server's, a day off at night.
        if field.date and field.date > (self.context.get("today") or _today()):
            raise ValidationError("The date of the arrest must be today or in the past")


RELATIONSHIPS = {
    "outreach": "Through street outreach",
    "shelter": "They stay at our shelter or housing",
    "services": "They use our services",
    "business": "They are often at our business",
    "police_contact": "Through police contact, without an arrest",
    "other": "Another way",
}


class RelationshipForm(StepForm):
    how_known = choice("How do you know the person?", RELATIONSHIPS, "how you know the person")
    how_known_detail = text("Tell us more (optional)", "the detail",
                            needed=lambda form: form.how_known.data == "other",
                            message="Enter how you know the person")


class WhereaboutsForm(StepForm):
    where_found = note("Where can the person usually be found?", "where the person can be found",
                       optional=False)
    best_times = text("When is the best time to find them? (optional)", "the best times",
                      optional=True)


LANGUAGES = {"en": "English", "es": "Spanish (Español)", "other": "Another language"}


class PersonForm(StepForm):
    legal_name = text("Legal name", "the person's legal name")
    other_names = text("Other names they use (optional)", "other names", optional=True)
    date_of_birth = MemorableDateField("Date of birth", thing="the person's date of birth",
                                       validators=[InputRequired(
                                           message="Enter the person's date of birth")])
    phone = StringField("Their phone number (optional)", filters=[strip], validators=[
        Optional(), at_most(40, "their phone number"), phone_number])
    staying = text("Where are they staying? (optional)", "where they are staying", optional=True)
    language = choice("Which language do they prefer?", LANGUAGES, "the language they prefer")
    language_other = text("Which language? (optional)", "the language", optional=True, limit=60)

    def validate_date_of_birth(self, field):
        born, contact = field.data, self.context.get("contact_date") or _today()
        if born is None:
            return
        if born > _today():
            raise ValidationError("The person's date of birth must be in the past")
        if born.year < 1900:
            raise ValidationError("The person's date of birth must be after 1900")
        if age_on(born, contact) < self.context.get("minimum_age", 18):
            raise ValidationError(
                f"LEAD accepts only people aged {self.context.get('minimum_age', 18)} or over on "
                f"the date of the contact or arrest ({long_date(contact)}). Check "
                "the date of birth: if it is right, this person cannot be referred")


HOUSING = {
    "housed": "Housed", "unstably_housed": "Staying with others or unstably housed",
    "sheltered": "In a shelter", "unsheltered": "Sleeping outside, in a vehicle or a tent",
    "unknown": "Not known",
}
NEEDS = {
    "substance_use": "Substance use", "mental_health": "Mental health",
    "physical_health": "Physical health", "housing": "Housing", "food": "Food",
    "income": "Income or benefits", "identification": "ID documents", "legal": "Legal help",
}


class CircumstancesForm(StepForm):
    housing = choice("What is their housing situation?", HOUSING, "their housing situation")
    needs = MultiCheckboxField("What needs have you observed? (optional)", choices=NEEDS,
                               validators=[Optional()])
    needs_detail = note("Anything else about their needs? (optional)", "the needs")


RACES = {
    "american_indian_alaska_native": "American Indian or Alaska Native", "asian": "Asian",
    "black": "Black or African American",
    "native_hawaiian_pacific_islander": "Native Hawaiian or other Pacific Islander",
    "white": "White", "another": "Another race", "prefer_not": "Prefer not to say",
}
ETHNICITIES = {"hispanic": "Hispanic or Latino", "not_hispanic": "Not Hispanic or Latino",
               "prefer_not": "Prefer not to say"}
GENDERS = {"woman": "Woman", "man": "Man", "non_binary": "Non-binary",
           "another": "Another gender", "prefer_not": "Prefer not to say"}


class DemographicsForm(StepForm):
    race = MultiCheckboxField("Race (select all that apply)", choices=RACES,
                              validators=[InputRequired(message="Select the person's race, or "
                                                        "prefer not to say")])
    ethnicity = choice("Ethnicity", ETHNICITIES, "the person's ethnicity, or prefer not to say")
    gender = choice("Gender", GENDERS, "the person's gender, or prefer not to say")

    def validate_race(self, field):
        if "prefer_not" in field.data and len(field.data) > 1:
            raise ValidationError("Select races, or prefer not to say, but not both")


TREATMENT_COURT = {"none": "No", "pending": "Yes, a case is pending",
                   "active": "Yes, a case is active", "unknown": "Not known"}
PROTECTIVE_ORDER = {"no": "No", "yes": "Yes", "unknown": "Not known"}


class ExclusionsForm(StepForm):
    treatment_court = choice("Does the person have a case in a treatment court program?",
                             TREATMENT_COURT, "whether the person has a treatment court case")
    protective_order = choice(
        "Is the person barred, by a no-contact, restraining or anti-harassment order, from "
        "contact with a current LEAD participant?", PROTECTIVE_ORDER,
        "whether an order bars contact with a LEAD participant")


@lru_cache(maxsize=8)
def about_form(ruleset) -> type[StepForm]:
    """One page for what used to take three (circumstances, demographics, concerns): the
    questions in the same order, each part under its own heading (templates/.../about.html)."""
    return type("AboutForm", (CircumstancesForm, DemographicsForm), {
        "concerns": MultiCheckboxField("Concerns (optional)", choices=dict(ruleset.concern_labels),
                                       validators=[Optional()]),
        "note": note("Anything the coordinator should know (optional)", "the note"),
        "parts": ABOUT_PARTS,
    })


# The combined page's parts: (heading, intro, fields), in page order.
ABOUT_PARTS = (
    ("Their circumstances", "", ("housing", "needs", "needs_detail")),
    ("Race, ethnicity and gender", "Ask the person. LEAD uses these answers only to measure "
     "whether it treats every community fairly; they never decide eligibility.",
     ("race", "ethnicity", "gender")),
    ("Anything of concern?", "Tick any that apply. A concern does not rule the person out: a "
     "coordinator looks at it.", ("concerns", "note")),
)


# Everything the consent page says, in each language of the consent texts: the page is wholly
# in the language of the text shown. The Spanish uses the glossary's terms
# (portal/consent/glossary.toml; tests/consent/test_glossary.py checks it). {name} is filled in.
CONSENT_PAGE = {
    "en": {
        "title": "The person's consent",
        "route_hint": "{route} · draft saved as you continue",
        "intro": "Give the person the screen, or read it to them.",
        "version": "Version {version}",
        "signature_label": "The person types their full name",
        "signature_hint": "Exactly as their legal name was entered: {legal_name}",
        "date_label": "Date",
        "date_hint": "For example, 3/27/2026. You can also pick it from the calendar.",
        "confirm_label": "I confirm that I have read (or had read to me) this consent and agree to it",
        "witness": "You, {name}, are recorded as the witness.",
        "button": "Save and continue",
        "error_heading": "There is a problem",
        "signature_missing": "Enter the person's full name as their signature",
        "signature_too_long": "The person's full name as their signature must be 200 characters or fewer",
        "signature_mismatch": "The signature must be the person's legal name as entered: {legal_name}",
        "date_missing": "Enter the date of signing",
        "date_not_a_date": "Enter the date of signing as a real date, like 3/27/2026",
        "date_in_future": "The date of signing must be today or in the past",
        "not_confirmed": "Tick the box to confirm the person agrees",
        "text_again": "Show the person the consent text again and ask them to sign it",
        "expired": EXPIRED,
    },
    "es": {
        "title": "El consentimiento de la persona",
        "route_hint": "{route} · el borrador se guarda al continuar",
        "intro": "Dé la pantalla a la persona o léale el texto.",
        "version": "Versión {version}",
        "signature_label": "Escriba su nombre completo",
        "signature_hint": "Tal como se anotó su nombre legal: {legal_name}",
        "date_label": "Fecha",
        "date_hint": "Por ejemplo, 3/27/2026 (mes/día/año). También puede elegirla en el calendario.",
        "confirm_label": "Confirmo que leí este consentimiento (o que me lo leyeron) y que estoy de acuerdo",
        "witness": "Queda registrado como testigo: {name}.",
        "button": "Guardar y continuar",
        "error_heading": "Hay un problema",
        "signature_missing": "Escriba su nombre completo como firma",
        "signature_too_long": "El nombre completo de la firma debe tener 200 caracteres o menos",
        "signature_mismatch": "La firma debe ser su nombre legal tal como se anotó: {legal_name}",
        "date_missing": "Escriba la fecha de la firma",
        "date_not_a_date": "Escriba la fecha de la firma como una fecha real, por ejemplo 3/27/2026",
        "date_in_future": "La fecha de la firma debe ser hoy o una fecha pasada",
        "not_confirmed": "Marque la casilla para confirmar que está de acuerdo",
        "text_again": "Vuelva a mostrar el consentimiento a la persona y pídale que lo firme",
        "expired": "Esta página caducó antes de enviarse. Sus respuestas se conservan: revíselas y "
                   "envíelas de nuevo",
    },
}
_EN = CONSENT_PAGE["en"]
MESSAGES = ("signature_missing", "signature_too_long", "signature_mismatch", "date_missing",
            "date_not_a_date", "date_in_future", "not_confirmed", "text_again")


class ConsentForm(StepForm):
    """Validated with the English messages; when the text signed is in another language, each
    message is then replaced by that language's (so the English behaviour is exactly as it was)."""

    language = StringField()
    text_id = StringField()
    signature = StringField(_EN["signature_label"], filters=[strip], validators=[
        NotBlank(message=_EN["signature_missing"]),
        Length(max=LINE_LIMIT, message=_EN["signature_too_long"])])
    signed_on = EventDateField(_EN["date_label"], thing="the date of signing",
                               validators=[NotBlank(message=_EN["date_missing"])])
    confirmed = BooleanField(_EN["confirm_label"], validators=[InputRequired(
        message=_EN["not_confirmed"])])

    @property
    def words(self) -> dict:
        """The consent page's words in the language of the text being signed."""
        return CONSENT_PAGE.get(self.language.data or "en", _EN)

    @property
    def summary_heading(self) -> str:
        return self.words["error_heading"]

    @property
    def summary_language(self) -> str:
        return self.language.data if self.language.data in CONSENT_PAGE else "en"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and self.words is not _EN:
            said = {"legal_name": self.context.get("legal_name", "")}
            theirs = {_EN[key].format(**said): self.words[key].format(**said) for key in MESSAGES}
            for field in self:
                field.errors = [theirs.get(message, message) for message in field.errors]
        return valid

    def error_items(self) -> list[tuple[str, str]]:
        """The text's id and language are hidden inputs with no id of their own: an error about
        them links to the signature, where the person signs the text again."""
        expired = {EXPIRED: self.words["expired"]}
        return [(self.signature.id if target in {self.text_id.id, self.language.id} else target,
                 expired.get(message, message)) for target, message in super().error_items()]

    def validate_text_id(self, field):
        text = self.context["texts"].get(field.data or "")
        if text is None or text.route != self.context["route"]:
            raise ValidationError(_EN["text_again"])

    def validate_signature(self, field):
        matches = self.context.get("signature_matches")
        if field.data and matches and not matches(field.data, self.context.get("legal_name", "")):
            raise ValidationError(_EN["signature_mismatch"].format(
                legal_name=self.context.get("legal_name", "")))

    def validate_signed_on(self, field):
        if field.date and field.date > _today():
            raise ValidationError(_EN["date_in_future"])


class CheckForm(PortalForm):
    partner_note = TextAreaField("Note for the coordinator", filters=[strip],
                                 validators=[Optional(), at_most(NOTE_LIMIT, "the note")])


class WithdrawForm(PortalForm):
    reason = TextAreaField("Why is the referral being withdrawn?", filters=[strip], validators=[
        required("why the referral is being withdrawn"), at_most(NOTE_LIMIT, "the reason")])


class AnswerForm(PortalForm):
    answer = TextAreaField("Your answer", filters=[strip], validators=[
        required("your answer"), at_most(NOTE_LIMIT, "your answer")])


"""A referral's answers, typed: parsed once from the JSON column, read everywhere through here.

The column keeps what each question page's form dumped (``{"person": {"legal_name": ...}, ...}``),
so that a page can change without a migration. This module is the only reader of that shape:
everything else (check your answers, the coordinator's page, receipts, duplicates, screening,
notices, reports) reads the frozen dataclasses below.

Parsing forgives what older code stored or what current code no longer knows: an unknown page or
key is ignored, a value of the wrong type loads as the field's default ("not given"), so an old
draft opens and resumes instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Mapping

# The routes the question pages are written for (steps.check_ruleset holds the ruleset to them;
# the database's CHECK constraint on referrals.route lists the same).
ARREST, SOCIAL = "arrest_diversion", "social_contact"
ROUTES = (ARREST, SOCIAL)
QUALIFIER_PREFIX = "q__"  # a charge question's field: q__<charge code>__<qualifier code>
QUALIFIER_ANSWERS = ("yes", "no", "unknown")
EMPTY: Mapping[str, Any] = MappingProxyType({})


# --- reading one stored value, forgivingly ------------------------------------------------------


def _text(page: Mapping, key: str) -> str:
    value = page.get(key)
    return value.strip() if isinstance(value, str) else ""


def _day(page: Mapping, key: str) -> date | None:
    value = page.get(key)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _codes(page: Mapping, key: str) -> tuple[str, ...]:
    value = page.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))


def _choice(page: Mapping, key: str, allowed: tuple[str, ...] | None = None) -> str | None:
    value = page.get(key)
    if not isinstance(value, str) or not value:
        return None
    return value if allowed is None or value in allowed else None


# --- the pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referrer:
    name: str = ""
    badge_number: str = ""
    phone: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Referrer:
        return cls(_text(page, "name"), _text(page, "badge_number"), _text(page, "phone"))


@dataclass(frozen=True)
class Arrest:
    incident_number: str = ""
    arrest_date: date | None = None
    arrest_time: str = ""
    arrest_place: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Arrest:
        return cls(_text(page, "incident_number"), _day(page, "arrest_date"),
                   _text(page, "arrest_time"), _text(page, "arrest_place"))


@dataclass(frozen=True)
class Charge:
    """One charge (or kind of conduct) ticked, with its questions' answers ("yes", "no",
    "unknown", or None when not answered) and, for the "other" charge, its description."""

    code: str
    qualifiers: Mapping[str, str | None] = field(default_factory=lambda: EMPTY)
    description: str = ""

    def answer(self, qualifier_code: str) -> str | None:
        return self.qualifiers.get(qualifier_code)


@dataclass(frozen=True)
class Charges:
    """The charges page (arrest diversion) or the conduct page (social contact)."""

    charges: tuple[Charge, ...] = ()
    last_conduct_date: date | None = None  # social contact only

    @classmethod
    def parse(cls, page: Mapping) -> Charges:
        codes = _codes(page, "charges")
        questions: dict[str, dict[str, str | None]] = {code: {} for code in codes}
        for key, value in page.items():
            parts = key.split("__") if key.startswith(QUALIFIER_PREFIX) else ()
            if len(parts) == 3 and parts[1] in questions:
                questions[parts[1]][parts[2]] = value if value in QUALIFIER_ANSWERS else None
        description = _text(page, "other_description")
        return cls(tuple(Charge(code, MappingProxyType(questions[code]),
                                description if code == "other" else "") for code in codes),
                   _day(page, "last_conduct_date"))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(charge.code for charge in self.charges)


@dataclass(frozen=True)
class Relationship:
    how_known: str | None = None
    how_known_detail: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Relationship:
        return cls(_choice(page, "how_known"), _text(page, "how_known_detail"))


@dataclass(frozen=True)
class Whereabouts:
    where_found: str = ""
    best_times: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Whereabouts:
        return cls(_text(page, "where_found"), _text(page, "best_times"))


@dataclass(frozen=True)
class Person:
    legal_name: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    staying: str = ""
    language: str | None = None  # "en", "es" or "other"
    language_other: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Person:
        return cls(_text(page, "legal_name"), _text(page, "other_names"),
                   _day(page, "date_of_birth"), _text(page, "phone"), _text(page, "staying"),
                   _choice(page, "language"), _text(page, "language_other"))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the person has given: the legal name, then each other name (the page
        takes them as one line, separated by commas or semicolons)."""
        others = self.other_names.replace(";", ",").split(",")
        return tuple(dict.fromkeys(n.strip() for n in (self.legal_name, *others) if n.strip()))


@dataclass(frozen=True)
class Circumstances:
    housing: str | None = None
    needs: tuple[str, ...] = ()
    needs_detail: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Circumstances:
        return cls(_choice(page, "housing"), _codes(page, "needs"), _text(page, "needs_detail"))


@dataclass(frozen=True)
class Demographics:
    race: tuple[str, ...] = ()
    ethnicity: str | None = None
    gender: str | None = None

    @classmethod
    def parse(cls, page: Mapping) -> Demographics:
        return cls(_codes(page, "race"), _choice(page, "ethnicity"), _choice(page, "gender"))


@dataclass(frozen=True)
class Exclusions:
    treatment_court: str | None = None  # none | pending | active | unknown
    protective_order: str | None = None  # no | yes | unknown

    @classmethod
    def parse(cls, page: Mapping) -> Exclusions:
        return cls(_choice(page, "treatment_court"), _choice(page, "protective_order"))


@dataclass(frozen=True)
class Concerns:
    concerns: tuple[str, ...] = ()
    note: str = ""

    @classmethod
    def parse(cls, page: Mapping) -> Concerns:
        return cls(_codes(page, "concerns"), _text(page, "note"))


@dataclass(frozen=True)
class About:
    """The combined page as one: each question read from the typed page it belongs to."""

    parts: tuple[Circumstances, Demographics, Concerns]

    def __getattr__(self, name: str):
        if not name.startswith("_"):
            for part in self.parts:
                if name in part.__dataclass_fields__:
                    return getattr(part, name)
        raise AttributeError(name)


@dataclass(frozen=True)
class ConsentAnswers:
    """The consent page: which text was shown, in which language, and the signature."""

    text_id: str = ""
    language: str | None = None
    signature: str = ""
    signed_on: date | None = None
    confirmed: bool = False

    @classmethod
    def parse(cls, page: Mapping) -> ConsentAnswers:
        return cls(_text(page, "text_id"), _choice(page, "language"), _text(page, "signature"),
                   _day(page, "signed_on"), page.get("confirmed") is True)


@dataclass(frozen=True)
class Exchange:
    """A coordinator's question and the partner's answer, as kept in the answers."""

    question: str
    answer: str


PAGES = {
    "referrer": Referrer, "arrest": Arrest, "charges": Charges, "relationship": Relationship,
    "conduct": Charges, "whereabouts": Whereabouts, "person": Person,
    "circumstances": Circumstances, "demographics": Demographics, "exclusions": Exclusions,
    "concerns": Concerns, "consent": ConsentAnswers,
}

# The page that asks, since issue 14, what three pages asked before: its answers hold those three
# pages' keys side by side. A draft or referral stored before it keeps the three pages, read as
# ever; once the combined page is saved, it replaces them.
ABOUT = "about"
ABOUT_PAGES = ("circumstances", "demographics", "concerns")


def _combined(stored: Mapping) -> dict[str, Mapping]:
    """The three pages' stored answers, read from the combined page when it has been saved."""
    about = stored.get(ABOUT)
    return {slug: about for slug in ABOUT_PAGES} if isinstance(about, Mapping) else {}


# --- the whole -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """Every page of one referral. A page not yet answered reads as its blank default;
    ``answered`` says which pages the partner has continued past."""

    route: str
    answered: frozenset[str] = frozenset()
    referrer: Referrer = field(default_factory=Referrer)
    arrest: Arrest = field(default_factory=Arrest)
    charges: Charges = field(default_factory=Charges)  # the charges or the conduct page
    relationship: Relationship = field(default_factory=Relationship)
    whereabouts: Whereabouts = field(default_factory=Whereabouts)
    person: Person = field(default_factory=Person)
    circumstances: Circumstances = field(default_factory=Circumstances)
    demographics: Demographics = field(default_factory=Demographics)
    exclusions: Exclusions = field(default_factory=Exclusions)
    concerns: Concerns = field(default_factory=Concerns)
    consent: ConsentAnswers = field(default_factory=ConsentAnswers)
    information: tuple[Exchange, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=lambda: EMPTY)  # all that is stored, as stored

    @classmethod
    def parse(cls, route: str, stored: Mapping | None) -> Answers:
        stored = stored if isinstance(stored, Mapping) else {}
        pages = {slug: stored[slug] for slug in PAGES if isinstance(stored.get(slug), Mapping)}
        pages.update(_combined(stored))
        charge_page = "charges" if route == ARREST else "conduct"
        typed = {slug: PAGES[slug].parse(page) for slug, page in pages.items()
                 if slug not in {"charges", "conduct"}}
        answered = set(pages) | ({ABOUT} if set(ABOUT_PAGES) <= set(pages) else set())
        return cls(route=route, answered=frozenset(answered),
                   charges=Charges.parse(pages.get(charge_page, {})),
                   information=_exchanges(stored.get("information")),
                   raw=MappingProxyType(dict(stored)), **typed)

    def page(self, slug: str) -> Mapping | None:
        """A page's stored answers as its form dumped them (to fill the form again), or None."""
        if slug == ABOUT and not isinstance(self.raw.get(ABOUT), Mapping):
            return self._old_about_pages()
        page = self.raw.get(slug) if slug in PAGES or slug == ABOUT else None
        return page if isinstance(page, Mapping) else None

    def _old_about_pages(self) -> Mapping | None:
        """The combined page filled from the three pages a draft stored before it, if any."""
        old = [self.raw[slug] for slug in ABOUT_PAGES if isinstance(self.raw.get(slug), Mapping)]
        return {key: value for page in old for key, value in page.items()} if old else None

    @property
    def about(self) -> About:
        return About((self.circumstances, self.demographics, self.concerns))

    def contact_date(self, today: date) -> date:
        """The day eligibility is judged on: the arrest's, or (social contact) the referral's."""
        if self.route == ARREST and self.arrest.arrest_date:
            return self.arrest.arrest_date
        return today

    # Writing: new mappings for the JSON column (never a change in place, which it would miss).

    def with_page(self, slug: str, page: Mapping) -> dict:
        return {**self.without_page(slug), slug: dict(page)}

    def with_pages(self, pages: Mapping[str, Mapping]) -> dict:
        """Several pages replaced at once (a partner's corrections, sent with their reply); the
        combined page replaces the three it stands for, as in ``without_page``."""
        stored = self._stored()
        for slug, page in pages.items():
            if (slug in PAGES or slug == ABOUT) and isinstance(page, Mapping):
                gone = {slug, *ABOUT_PAGES} if slug == ABOUT else {slug}
                stored = {k: v for k, v in stored.items() if k not in gone} | {slug: dict(page)}
        return stored

    def without_page(self, slug: str) -> dict:
        """Without the page (the combined page goes with the three pages it replaced)."""
        gone = {slug, *ABOUT_PAGES} if slug == ABOUT else {slug}
        return {key: value for key, value in self._stored().items() if key not in gone}

    def with_exchange(self, question: str, answer: str) -> dict:
        exchanges = [{"question": e.question, "answer": e.answer} for e in self.information]
        return {**self._stored(), "information": [*exchanges, {"question": question,
                                                              "answer": answer}]}

    def _stored(self) -> dict:
        """A copy of everything stored, pages this code no longer knows included."""
        return {key: dict(value) if isinstance(value, Mapping) else value
                for key, value in self.raw.items()}


def _exchanges(value: Any) -> tuple[Exchange, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(Exchange(_text(item, "question"), _text(item, "answer"))
                 for item in value if isinstance(item, Mapping))


def arrest_case(referral) -> tuple[Arrest, Charges]:
    """Only the arrest page and the charges of an arrest diversion: what a list of thousands
    (the prosecutor's office's) needs, without parsing every other page."""
    stored = referral.answers if isinstance(referral.answers, Mapping) else {}

    def page(slug: str) -> Mapping:
        value = stored.get(slug)
        return value if isinstance(value, Mapping) else {}

    return Arrest.parse(page("arrest")), Charges.parse(page("charges"))


def of(referral) -> Answers:
    """The current answers of a referral (or of anything with ``route`` and ``answers``)."""
    return Answers.parse(referral.route, referral.answers)

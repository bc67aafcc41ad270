"""What goes on each document, as plain data built from the referral.

Three documents: the partner's receipt (English, everything the partner files), the person's
receipt (English or Spanish; no screening detail and no referrer's notes), and the consent copy
(the exact text version and language the person signed). Each is built from what was submitted
(the first version of the answers and its screening), so the document says the same thing
whenever it is first printed.

Words come from wording.toml, in the document's language; templates only lay the data out and
escape it. No Flask, no database: the caller hands in the rows (operations.py).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import segno

from portal.receipts import standing
from portal.receipts.models import CONSENT_COPY, PERSON_RECEIPT, RECEIPT
from portal.referrals.answers import ARREST, Answers
from portal.referrals.presenter import charge_names
from portal.referrals.steps import consent_values

# Bump when what a document shows changes in a way the template hash below cannot see (the
# data built here). Stored documents record it with the hash of the templates and stylesheet.
# 2: English dates read "March 27, 2026" (wording.toml). 3: the 2.32 notice on every document,
# the scope of the consent on the partner's receipt, and the Spanish glossary's terms.
# 4: the status now (standing.py), no charges on the person's receipt, the walk-in intake.
LAYOUT_VERSION = "4"
DEFAULT_PAPER_SIZE = "Letter"
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}
DEFAULT_TIME_ZONE = "UTC"
QR_BORDER = 4  # the quiet zone a QR code needs around it, in modules

# 42 CFR 2.32(a)(1), "Statement 1", as amended by the 2024 final rule (89 FR 12472, Feb. 16,
# 2024), verbatim: an opening paragraph, the three cases (i)-(iii), and a closing sentence.
REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, "
    "against the patient, unless authorized by the consent of the patient, except as provided at "
    "42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any other use or disclosure of this "
    "record unless at least one of the following applies:",
    ("(i) Further use or disclosure is expressly permitted by the written consent of the "
     "individual whose information is being disclosed in this record or as otherwise permitted "
     "by 42 CFR part 2.",
     "(ii) You are a covered entity or business associate and have received the record for "
     "treatment, payment, or health care operations, or",
     "(iii) You have received the record from a covered entity or business associate as "
     "permitted by 45 CFR part 164, subparts A and E."),
    "A general authorization for the release of medical or other information is NOT sufficient "
    "to meet the required elements of written consent to further use or redisclose the record "
    "(see 42 CFR 2.31).",
)


def redisclosure_text() -> str:
    """The notice as one line of plain text (for tests and for anyone quoting it)."""
    opening, cases, closing = REDISCLOSURE_NOTICE
    return " ".join((opening, *cases, closing))


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class QrCode:
    """A QR code of ``payload`` as SVG path data: drawn by the template, so nothing is marked
    safe; ``size`` is the width in modules, quiet zone included."""

    payload: str
    path: str
    size: int
    offset: int = -QR_BORDER


@dataclass(frozen=True)
class Receipt:
    kind: str
    language: str
    title: str
    reference: str
    qr: QrCode
    rows: tuple[Row, ...]
    charges_label: str | None
    charges: tuple[str, ...]
    screening: Screening | None
    now: standing.Now
    contact: str
    notes: tuple[Row, ...]
    scope: Scope | None
    notice: tuple
    protected: str | None
    made_on: str


@dataclass(frozen=True)
class Scope:
    """What the consent allows (42 CFR 2.32(b)), in the signed text's own English words: the
    sections of the English twin of the version signed, so it cannot disagree with it."""

    source: str
    sections: tuple  # portal.consent.texts.RenderedSection


@dataclass(frozen=True)
class Screening:
    words: str
    issues: tuple[str, ...]
    advises: str


@dataclass(frozen=True)
class ConsentCopy:
    kind: str
    language: str
    title: str
    reference: str
    sections: tuple  # portal.consent.texts.RenderedSection
    text_version: str
    rows: tuple[Row, ...]
    closed: str | None  # above the text of a closed referral: its intake period is over
    revocation: str
    notice: tuple
    made_on: str


@dataclass(frozen=True)
class Sources:
    """Everything a document is made from. ``answers`` are the answers as submitted."""

    referral: object
    answers: Answers
    screening: object | None
    consent: object | None
    ruleset: object
    settings: object
    made_at: datetime


# --- the wording ---------------------------------------------------------------------------------


@cache
def wording() -> dict[str, dict]:
    """wording.toml, read once per process."""
    raw = importlib.resources.files(__package__).joinpath("wording.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def words_for(language: str) -> dict:
    return wording()["en" if language not in wording() else language]


@cache
def template_version(*sources: bytes) -> str:
    """The layout version and a fingerprint of the templates and stylesheet that draw it."""
    digest = hashlib.sha256(b"\0".join(sources)).hexdigest()[:16]
    return f"{LAYOUT_VERSION}+{digest}"


def paper_size(settings) -> str:
    """Letter unless the settings say A4; anything else is a configuration error."""
    chosen = settings.paper_size or DEFAULT_PAPER_SIZE
    size = PAPER_SIZES.get(str(chosen).lower())
    if size is None:
        raise ValueError(f"paper_size must be Letter or A4, not {chosen!r}")
    return size


def qr_code(payload: str) -> QrCode:
    """A full QR code (never a Micro QR, which phones and zbar do not read) of ``payload``."""
    code = segno.make_qr(payload, error="q")
    runs = []
    for y, row in enumerate(code.matrix_iter(border=0)):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    width, _ = code.symbol_size(border=0)
    return QrCode(payload=payload, path="".join(runs), size=width + 2 * QR_BORDER)


# --- the receipts ----------------------------------------------------------------------------------


def receipt(src: Sources, texts=None) -> Receipt:
    """The partner's receipt: in English, with the screening, the notes, what the consent
    allows (from ``texts``, the consent library) and the 2.32 notice."""
    return _receipt(src, RECEIPT, "en", texts)


def person_receipt(src: Sources, language: str) -> Receipt:
    """The person's copy, in their language, without what they need not carry: no screening,
    notes, charges or eligible conduct (a paper record of alleged offenses, in the pocket of
    someone who may be unhoused); the 2.32 notice stays in the regulation's English (a Spanish
    explanation goes beside it)."""
    return _receipt(src, PERSON_RECEIPT, language)


def _receipt(src: Sources, kind: str, language: str, texts=None) -> Receipt:
    words, referral = words_for(language), src.referral
    for_person = kind == PERSON_RECEIPT
    who = "person" if for_person else "partner"
    return Receipt(
        kind=kind, language=language,
        title=words["person_receipt_title" if for_person else "receipt_title"],
        reference=referral.reference, qr=qr_code(referral.reference),
        rows=_rows(src, words, for_person),
        charges_label=None if for_person else _charges_label(referral.route, words),
        charges=() if for_person else _charges(src, words),
        screening=None if for_person else _screening(src.screening, words),
        now=standing.now(src, words, language, who, format_date),
        contact=_contact(src.settings, words, referral.reference),
        notes=() if for_person else _notes(src, words),
        scope=None if for_person else consent_scope(src, texts),
        notice=REDISCLOSURE_NOTICE,
        protected=words["protected"] if for_person else None,
        made_on=_made_on(src, words),
    )


def _rows(src: Sources, words: dict, for_person: bool) -> tuple[Row, ...]:
    referral, referrer = src.referral, src.answers.referrer
    rows = [Row(words["submitted"], format_moment(referral.submitted_at, src.settings, words)),
            Row(words["route"], words["routes"].get(referral.route, referral.route)),
            Row(words["referring_partner"], referral.organisation.name),
            Row(words["referrer"], referrer.name or referral.referrer.name)]
    if not for_person:
        rows += _optional(words, ("badge_number", referrer.badge_number),
                          ("referrer_phone", referrer.phone))
    rows += [Row(words["name"], referral.legal_name),
             Row(words["date_of_birth"], format_date(referral.date_of_birth, words))]
    return tuple(rows) + _arrest_rows(src.answers, words, for_person)


def _arrest_rows(answers: Answers, words: dict, for_person: bool) -> tuple[Row, ...]:
    if answers.route != ARREST or "arrest" not in answers.answered:
        return ()
    arrest = answers.arrest
    when = format_date(arrest.arrest_date, words) if arrest.arrest_date else ""
    if arrest.arrest_time:
        when = f"{when}, {arrest.arrest_time}"
    rows = [("incident_number", arrest.incident_number), ("arrest_when", when)]
    if not for_person:
        rows.append(("arrest_place", arrest.arrest_place))
    return tuple(_optional(words, *rows))


def _optional(words: dict, *pairs: tuple[str, str | None]) -> list[Row]:
    return [Row(words[key], value) for key, value in pairs if value]


def _charges_label(route: str, words: dict) -> str:
    return words["charges"] if route == ARREST else words["conduct"]


def _charges(src: Sources, words: dict) -> tuple[str, ...]:
    page = src.answers.charges
    conduct = src.referral.route != ARREST
    labels = charge_names(page, src.ruleset, words["conduct_names" if conduct else "charge_names"],
                          words["other_conduct" if conduct else "other_charge"], conduct=conduct)
    if page.last_conduct_date:
        labels += (f"{words['last_conduct']}: {format_date(page.last_conduct_date, words)}",)
    return labels


def _screening(screening, words: dict) -> Screening | None:
    if screening is None:
        return None
    result = screening.result
    issues = tuple(
        f"{words['rule_not_met'] if f['outcome'] == 'fail' else words['for_review']}: {f['message']}"
        for f in result.get("findings", []) if f["outcome"] != "pass")
    return Screening(words=words["decisions"].get(result["decision"], result["decision"]),
                     issues=issues,
                     advises=words["screening_advises"].format(version=screening.ruleset_version))


def _contact(settings, words: dict, reference: str) -> str:
    return words["contact"].format(phone=settings.program_phone, email=settings.program_email,
                                   reference=reference)


def _notes(src: Sources, words: dict) -> tuple[Row, ...]:
    return tuple(_optional(words, ("concerns_note", src.answers.concerns.note),
                           ("partner_note", src.referral.partner_note)))


def _made_on(src: Sources, words: dict) -> str:
    return words["made_on"].format(date=format_moment(src.made_at, src.settings, words),
                                   program=src.settings.program_name)


# --- the consent copy ------------------------------------------------------------------------------


def consent_copy(src: Sources, texts) -> ConsentCopy:
    """What the person signed: the text version and language of the Consent row, filled in as
    the consent page fills it, with the signature, date, witness and the revocation terms."""
    consent, referral = src.consent, src.referral
    text = texts.get(consent.text_id)
    if text is None:
        raise LookupError(f"consent text {consent.text_id!r} is not in the library")
    words = words_for(text.language)
    return ConsentCopy(
        kind=CONSENT_COPY, language=text.language, title=text.title,
        reference=referral.reference, sections=text.render(**_consent_values(src)),
        text_version=words["text_version"].format(version=text.version, sha256=text.sha256),
        rows=(Row(words["signature"], consent.signature),
              Row(words["signed_on"], format_date(consent.signed_on, words)),
              *_expiry(consent, words),
              Row(words["witness"], words["witness_value"].format(
                  name=consent.witness.name, organisation=referral.organisation.name))),
        closed=standing.closed_note(src, words),
        revocation=_revocation(consent, text, words),
        notice=REDISCLOSURE_NOTICE,
        made_on=_made_on(src, words),
    )


SCOPE_ELEMENTS = ("what_information", "to_whom", "purpose", "expiry")


def consent_scope(src: Sources, texts, values: dict | None = None) -> Scope | None:
    """The signed version's information, recipients, purpose and expiry, in English, filled in
    with ``values`` (by default those the consent page used)."""
    if src.consent is None or texts is None:
        return None
    signed = texts.get(src.consent.text_id)
    if signed is None:
        raise LookupError(f"consent text {src.consent.text_id!r} is not in the library")
    english = next(t for t in texts if (t.route, t.version, t.language)
                   == (signed.route, signed.version, "en"))
    sections = english.render(**(values or _consent_values(src)))
    return Scope(source=f"Consent text {english.id} (signed in {signed.language}: {signed.id}), "
                        f"signed {format_date(src.consent.signed_on, words_for('en'))}.",
                 sections=tuple(s for s in sections if s.element in SCOPE_ELEMENTS))


def _consent_values(src: Sources) -> dict:
    """The same values the consent page filled in."""
    return consent_values(src.answers, src.referral.organisation.name, src.settings, src.ruleset)


def _expiry(consent, words: dict) -> tuple[Row, ...]:
    """The day the consent ends, worked out from the text's term when it was signed."""
    if consent.expires_on is None:
        return ()
    return (Row(words["expires_on"], format_date(consent.expires_on, words)),)


def _revocation(consent, text, words: dict) -> str:
    if consent.revocable_from is None:
        return words["revocable_anytime"]
    return words["revocable_from"].format(date=format_date(consent.revocable_from, words),
                                          event=text.revocable_from or "")


# --- dates -----------------------------------------------------------------------------------------


def format_date(day: date, words: dict) -> str:
    return words["date_format"].format(day=day.day, month=words["months"][day.month - 1],
                                       year=day.year)


def format_moment(moment: datetime, settings, words: dict) -> str:
    """A date and a 24-hour time in the program's time zone (UTC unless the settings say)."""
    zone_name = settings.timezone or DEFAULT_TIME_ZONE
    local = moment.astimezone(ZoneInfo(zone_name))
    time = words["time_zone_note"].format(time=local.strftime("%H:%M"), zone=local.tzname())
    return f"{format_date(local.date(), words)}, {time}"

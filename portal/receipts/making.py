"""Making a referral's documents: which language, the content, the HTML and the PDF, the file name.

The verbs in operations.py call these; the routes only stream what the verbs hand back. The
referral given is one the asking user may see (the routes load it through the access rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

from portal import db
from portal.consent.texts import default_texts
from portal.receipts import documents, queries, standing, templating
from portal.receipts.models import CONSENT_COPY, LANGUAGES, PERSON_RECEIPT, RECEIPT
from portal.receipts.render import DEFAULT_TIMEOUT_SECONDS, html_to_pdf
from portal.referrals import queries as referrals
from portal.referrals.answers import of
from portal.referrals.models import Referral

# What each kind is called in its URL and in its file name.
SLUGS = {RECEIPT: "receipt", PERSON_RECEIPT: "person-receipt", CONSENT_COPY: "consent-copy"}
SAFE_REFERENCE = re.compile(r"[^A-Z0-9-]")


@dataclass(frozen=True)
class Made:
    """A freshly rendered document and what made it."""

    pdf: bytes
    paper_size: str
    template_version: str


def language(referral: Referral, kind: str, asked: str | None) -> str:
    """English for the partner's receipt; the signed text's for the consent copy; for the
    person's receipt, the ``asked`` one if it is one we print, else the person's preferred one."""
    if kind == RECEIPT:
        return "en"
    if kind == CONSENT_COPY:
        return referrals.consent_of(referral).language
    if asked in LANGUAGES:
        return asked
    preferred = of(referral).person.language
    return preferred if preferred in LANGUAGES else "en"


def page_html(referral: Referral, kind: str, language: str, links: dict) -> str:
    """The printable page, with the page's own ``links`` (the PDF, back to the referral)."""
    made_at = db.utcnow()
    return templating.document_html(build(referral, kind, language, made_at), for_pdf=False,
                                    paper=paper(), made_at=made_at, links=links)


def pdf(referral: Referral, kind: str, language: str) -> Made:
    """A fresh PDF, within the time limit (RenderTimeout past it)."""
    made_at = db.utcnow()
    size = paper()
    html = templating.document_html(build(referral, kind, language, made_at), for_pdf=True,
                                    paper=size, made_at=made_at)
    return Made(pdf=html_to_pdf(html, timeout=timeout()), paper_size=size,
                template_version=templating.template_version(kind))


def build(referral: Referral, kind: str, language: str, made_at: datetime):
    """What goes on the document, from what was submitted (documents.py lays it out as data)."""
    sources = documents.Sources(
        referral=referral, answers=queries.submitted_answers(referral),
        screening=queries.submitted_screening(referral), consent=referrals.consent_of(referral),
        ruleset=current_app.extensions["portal.ruleset"], settings=_settings(), made_at=made_at)
    if kind == RECEIPT:
        return documents.receipt(sources, default_texts())
    if kind == PERSON_RECEIPT:
        return documents.person_receipt(sources, language)
    return documents.consent_copy(sources, default_texts())


def printed_for(referral: Referral) -> str:
    """The standing a print made now is stored under (standing.py)."""
    return standing.printed_for(referral, referrals.consent_of(referral), date.today())


def filename(referral: Referral, kind: str, language: str) -> str:
    """Made here from the reference number (an allow-list of characters), never from input."""
    reference = SAFE_REFERENCE.sub("", referral.reference or "")
    suffix = f"-{language}" if kind != RECEIPT else ""
    return f"lead-{SLUGS[kind]}-{reference}{suffix}.pdf"


def paper() -> str:
    return documents.paper_size(_settings())


def timeout() -> float:
    return float(_settings().render_timeout_seconds or DEFAULT_TIMEOUT_SECONDS)


def _settings():
    return current_app.extensions["portal.settings"]

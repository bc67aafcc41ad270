"""The printable pages and PDFs of a referral: its receipt, the person's receipt, the consent copy.

Access follows the referral's: partners through referral_for (their own, or their organisation's
for an administrator), and program staff for any submitted referral. Anything else is 404.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import db
from portal.accounts.access import PARTNERS, allowed_to, refuse
from portal.consent.texts import default_texts
from portal.receipts import documents, operations, queries, templating
from portal.receipts.models import CONSENT_COPY, LANGUAGES, PERSON_RECEIPT, RECEIPT
from portal.receipts.render import DEFAULT_TIMEOUT_SECONDS, RenderTimeout, html_to_pdf
from portal.referrals import queries as referrals
from portal.referrals.answers import of
from portal.referrals.disclosure import Part, visible_parts

bp = Blueprint("receipts", __name__, url_prefix="/referrals")
log = logging.getLogger(__name__)
# What each kind is called in its URL and in its file name.
SLUGS = {RECEIPT: "receipt", PERSON_RECEIPT: "person-receipt", CONSENT_COPY: "consent-copy"}
SAFE_REFERENCE = re.compile(r"[^A-Z0-9-]")


@bp.route("/<int:referral_id>/receipt")
@allowed_to("print")
def receipt(referral_id: int):
    return _page(_referral_or_404(referral_id, RECEIPT), RECEIPT)


@bp.route("/<int:referral_id>/receipt.pdf")
@allowed_to("print")
def receipt_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id, RECEIPT), RECEIPT)


@bp.route("/<int:referral_id>/person-receipt")
@allowed_to("print")
def person_receipt(referral_id: int):
    return _page(_referral_or_404(referral_id, PERSON_RECEIPT), PERSON_RECEIPT)


@bp.route("/<int:referral_id>/person-receipt.pdf")
@allowed_to("print")
def person_receipt_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id, PERSON_RECEIPT), PERSON_RECEIPT)


@bp.route("/<int:referral_id>/consent-copy")
@allowed_to("print")
def consent_copy(referral_id: int):
    return _page(_referral_or_404(referral_id, CONSENT_COPY), CONSENT_COPY)


@bp.route("/<int:referral_id>/consent-copy.pdf")
@allowed_to("print")
def consent_copy_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id, CONSENT_COPY), CONSENT_COPY)


def _referral_or_404(referral_id: int, kind: str):
    """A submitted referral the user may see (a draft has no documents yet), whose ``kind`` of
    document the user may have: once the person's consent has ended, only the consent copy
    leaves the program."""
    referral, consent = referrals.load_signed(current_user, referral_id)
    part = Part.CONSENT_COPY if kind == CONSENT_COPY else Part.RECEIPTS
    if part not in visible_parts(current_user, referral, consent, date.today()):
        refuse(("referrals", referral_id))
    return referral


def _page(referral, kind: str):
    language = _language(referral, kind)
    made_at = db.utcnow()
    doc = _build(referral, kind, language, made_at)
    operations.print_document(current_user, referral, kind, language)
    return templating.document_html(doc, for_pdf=False, paper=_paper(), made_at=made_at,
                                    links=_links(referral, kind, language))


def _pdf(referral, kind: str):
    language = _language(referral, kind)
    try:
        stored = operations.download_document(current_user, referral, kind, language,
                                              make=lambda: _make(referral, kind, language))
    except RenderTimeout as error:  # anything else the renderer raises is a bug: a 500
        log.error("document %s of referral %s not rendered: %s", kind, referral.id, error)
        return _unavailable()
    response = Response(stored.content, mimetype="application/pdf")
    name = _filename(referral, kind, language)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _make(referral, kind: str, language: str) -> operations.Made:
    made_at = db.utcnow()
    paper = _paper()
    html = templating.document_html(_build(referral, kind, language, made_at), for_pdf=True,
                                    paper=paper, made_at=made_at)
    return operations.Made(pdf=html_to_pdf(html, timeout=_timeout()), paper_size=paper,
                           template_version=templating.template_version(kind))


def _build(referral, kind: str, language: str, made_at):
    sources = documents.Sources(
        referral=referral, answers=queries.submitted_answers(referral),
        screening=queries.submitted_screening(referral), consent=referrals.consent_of(referral),
        ruleset=current_app.extensions["portal.ruleset"], settings=_settings(), made_at=made_at)
    if kind == RECEIPT:
        return documents.receipt(sources)
    if kind == PERSON_RECEIPT:
        return documents.person_receipt(sources, language)
    return documents.consent_copy(sources, default_texts())


def _language(referral, kind: str) -> str:
    """English for the partner's receipt; the signed text's for the consent copy; for the
    person's receipt, ?language= if it is one we print, else the person's preferred one."""
    if kind == RECEIPT:
        return "en"
    if kind == CONSENT_COPY:
        return referrals.consent_of(referral).language
    asked = request.args.get("language")
    if asked in LANGUAGES:
        return asked
    preferred = of(referral).person.language
    return preferred if preferred in LANGUAGES else "en"


def _links(referral, kind: str, language: str) -> dict:
    args = {"referral_id": referral.id}
    if kind == PERSON_RECEIPT:
        args["language"] = language
    links = {"pdf": url_for(f"receipts.{kind}_pdf", **args)}
    if current_user.role in PARTNERS:
        links["back"] = url_for("referrals.show", referral_id=referral.id)
    return links


def _filename(referral, kind: str, language: str) -> str:
    """Made here from the reference number (an allow-list of characters), never from input."""
    reference = SAFE_REFERENCE.sub("", referral.reference or "")
    suffix = f"-{language}" if kind != RECEIPT else ""
    return f"lead-{SLUGS[kind]}-{reference}{suffix}.pdf"


def _unavailable():
    body = render_template("error.html", status=503,
                           title="Sorry, the document could not be made",
                           message="Making the PDF took too long. Nothing has been lost: try "
                                   "again in a minute, or use the printable page.")
    return body, 503, {"Retry-After": "30"}


def _settings():
    return current_app.extensions["portal.settings"]


def _paper() -> str:
    return documents.paper_size(_settings())


def _timeout() -> float:
    return float(_settings().render_timeout_seconds or DEFAULT_TIMEOUT_SECONDS)

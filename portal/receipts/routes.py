"""The printable pages and PDFs of a referral: its receipt, the person's receipt, the consent copy.

Access follows the referral's: partners through referral_for (their own, or their organisation's
for an administrator), and program staff for any submitted referral. Anything else is 404. The
views only stream what receipts/operations.py made.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import PARTNERS, allowed_to, refuse
from portal.receipts import making, operations
from portal.receipts.models import CONSENT_COPY, PERSON_RECEIPT, RECEIPT
from portal.receipts.render import RenderTimeout
from portal.referrals import queries as referrals
from portal.referrals.disclosure import Part, visible_parts

bp = Blueprint("receipts", __name__, url_prefix="/referrals")
log = logging.getLogger(__name__)


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
    language = making.language(referral, kind, request.args.get("language"))
    return operations.print_document(current_user, referral, kind, language,
                                     links=_links(referral, kind, language))


def _pdf(referral, kind: str):
    language = making.language(referral, kind, request.args.get("language"))
    try:
        stored = operations.download_document(current_user, referral, kind, language)
    except RenderTimeout as error:  # anything else the renderer raises is a bug: a 500
        log.error("document %s of referral %s not rendered: %s", kind, referral.id, error)
        return _unavailable()
    response = Response(stored.content, mimetype="application/pdf")
    name = making.filename(referral, kind, language)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _links(referral, kind: str, language: str) -> dict:
    args = {"referral_id": referral.id}
    if kind == PERSON_RECEIPT:
        args["language"] = language
    links = {"pdf": url_for(f"receipts.{kind}_pdf", **args)}
    if current_user.role in PARTNERS:
        links["back"] = url_for("referrals.show", referral_id=referral.id)
    return links


def _unavailable():
    body = render_template("error.html", status=503,
                           title="Sorry, the document could not be made",
                           message="Making the PDF took too long. Nothing has been lost: try "
                                   "again in a minute, or use the printable page.")
    return body, 503, {"Retry-After": "30"}

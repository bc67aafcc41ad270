"""The printable pages and PDFs of a referral: its receipt, the person's receipt, the consent copy.

Access follows the referral's: partners through referral_for (their own, or their organisation's
for an administrator), and program staff for any submitted referral. Anything else is 404. The
views only stream what receipts/operations.py made.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import signed_in
from portal.audit.operations import record_refusal
from portal.receipts import making, operations
from portal.receipts.models import CONSENT_COPY, PERSON_RECEIPT, RECEIPT
from portal.receipts.render import RenderTimeout
from portal.referrals import queries as referrals
from portal.referrals.states import Status

bp = Blueprint("receipts", __name__, url_prefix="/referrals")
ROLES = (*referrals.PARTNERS, *referrals.STAFF)
log = logging.getLogger(__name__)


@bp.route("/<int:referral_id>/receipt")
@signed_in(*ROLES)
def receipt(referral_id: int):
    return _page(_referral_or_404(referral_id), RECEIPT)


@bp.route("/<int:referral_id>/receipt.pdf")
@signed_in(*ROLES)
def receipt_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id), RECEIPT)


@bp.route("/<int:referral_id>/person-receipt")
@signed_in(*ROLES)
def person_receipt(referral_id: int):
    return _page(_referral_or_404(referral_id), PERSON_RECEIPT)


@bp.route("/<int:referral_id>/person-receipt.pdf")
@signed_in(*ROLES)
def person_receipt_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id), PERSON_RECEIPT)


@bp.route("/<int:referral_id>/consent-copy")
@signed_in(*ROLES)
def consent_copy(referral_id: int):
    return _page(_referral_or_404(referral_id), CONSENT_COPY)


@bp.route("/<int:referral_id>/consent-copy.pdf")
@signed_in(*ROLES)
def consent_copy_pdf(referral_id: int):
    return _pdf(_referral_or_404(referral_id), CONSENT_COPY)


def _referral_or_404(referral_id: int):
    """A submitted referral the user may see; a draft has no documents yet."""
    referral = referrals.referral_for(current_user, referral_id)
    if referral is None:
        record_refusal("access.refused", actor=current_user, subject=("referrals", referral_id),
                       detail={"endpoint": request.endpoint})
        abort(404)
    if referral.status is Status.DRAFT or referrals.consent_of(referral) is None:
        abort(404)
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
    if current_user.role in referrals.PARTNERS:
        links["back"] = url_for("referrals.show", referral_id=referral.id)
    return links


def _unavailable():
    body = render_template("error.html", status=503,
                           title="Sorry, the document could not be made",
                           message="Making the PDF took too long. Nothing has been lost: try "
                                   "again in a minute, or use the printable page.")
    return body, 503, {"Retry-After": "30"}

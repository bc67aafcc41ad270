"""The verbs of receipts: print (the printable page) and download (the stored PDF).

Each takes its actor, flushes but never commits, writes its audit row, and hands back what the
route streams: the page's HTML, or the stored document. A download renders the PDF only the first
time (making.py); later downloads return the stored bytes, checked against their sha256, so a
reprint is the same file. A download after the referral's status (or deadline) changed is a new
stored version saying where it stands now; the first stays, the record of what was handed out.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy.exc import IntegrityError

from portal import audit, db
from portal.accounts.models import User
from portal.receipts import making, queries
from portal.receipts.making import Made
from portal.receipts.models import StoredDocument
from portal.receipts.render import RENDERER
from portal.referrals.models import Referral

log = logging.getLogger(__name__)


class Corrupted(RuntimeError):
    """The stored bytes no longer match their sha256."""


def print_document(actor: User, referral: Referral, kind: str, language: str, *,
                   links: dict) -> str:
    """The printable page's HTML (to be printed from the browser), recorded as shown."""
    html = making.page_html(referral, kind, language, links)
    audit.record("document.printed", actor=actor, subject=referral,
                 detail={"kind": kind, "language": language})
    return html


def download_document(actor: User, referral: Referral, kind: str, language: str) -> StoredDocument:
    """The stored document, rendered and kept if this is its first print. A render past the
    time limit raises RenderTimeout and keeps nothing."""
    standing = making.printed_for(referral)
    stored = queries.stored(referral, kind, language, standing)
    first = stored is None
    if first:
        stored = _keep(actor, referral, kind, language, standing,
                       making.pdf(referral, kind, language))
    _check(stored)
    audit.record("document.downloaded", actor=actor, subject=referral,
                 detail={"kind": kind, "language": language, "document": stored.id,
                         "sha256": stored.sha256, "first_print": first,
                         "printed_for": standing})
    return stored


def _keep(actor: User, referral: Referral, kind: str, language: str, standing: str,
          made: Made) -> StoredDocument:
    row = StoredDocument(referral_id=referral.id, kind=kind, language=language,
                         printed_for=standing,
                         paper_size=made.paper_size, template_version=made.template_version,
                         renderer=RENDERER, sha256=hashlib.sha256(made.pdf).hexdigest(),
                         content=made.pdf, created_by_id=actor.id)
    session = db.session()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request printed it first (the unique constraint): everyone gets that one.
        return queries.stored(referral, kind, language, standing)
    return row


def _check(stored: StoredDocument) -> None:
    if hashlib.sha256(stored.content).hexdigest() != stored.sha256:
        log.error("stored document %s does not match its sha256", stored.id)
        raise Corrupted(f"stored document {stored.id} does not match its sha256")

"""The verbs of receipts: print (the printable page) and download (the stored PDF).

Each takes its actor, flushes but never commits, and writes its audit row. A download renders
the PDF only the first time; later downloads return the stored bytes, checked against their
sha256, so a reprint is the same file.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from portal import audit, db
from portal.accounts.models import User
from portal.receipts import queries
from portal.receipts.models import StoredDocument
from portal.receipts.render import RENDERER
from portal.referrals.models import Referral

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Made:
    """A freshly rendered document and what made it."""

    pdf: bytes
    paper_size: str
    template_version: str


class Corrupted(RuntimeError):
    """The stored bytes no longer match their sha256."""


def print_document(actor: User, referral: Referral, kind: str, language: str) -> None:
    """The printable page was shown (to be printed from the browser)."""
    audit.record("document.printed", actor=actor, subject=referral,
                 detail={"kind": kind, "language": language})


def download_document(actor: User, referral: Referral, kind: str, language: str, *,
                      make: Callable[[], Made]) -> StoredDocument:
    """The stored document, made by ``make`` and kept if this is its first print."""
    stored = queries.stored(referral, kind, language)
    first = stored is None
    if first:
        stored = _keep(actor, referral, kind, language, make())
    _check(stored)
    audit.record("document.downloaded", actor=actor, subject=referral,
                 detail={"kind": kind, "language": language, "document": stored.id,
                         "sha256": stored.sha256, "first_print": first})
    return stored


def _keep(actor: User, referral: Referral, kind: str, language: str, made: Made) -> StoredDocument:
    row = StoredDocument(referral_id=referral.id, kind=kind, language=language,
                         paper_size=made.paper_size, template_version=made.template_version,
                         renderer=RENDERER, sha256=hashlib.sha256(made.pdf).hexdigest(),
                         content=made.pdf, created_by_id=actor.id)
    session = db.session()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request printed it first (the unique constraint): everyone gets that one.
        return queries.stored(referral, kind, language)
    return row


def _check(stored: StoredDocument) -> None:
    if hashlib.sha256(stored.content).hexdigest() != stored.sha256:
        log.error("stored document %s does not match its sha256", stored.id)
        raise Corrupted(f"stored document {stored.id} does not match its sha256")

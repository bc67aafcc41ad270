"""Reads for the documents. The referral itself always comes from referrals.queries.referral_for
(the access rule); these only read what belongs to a referral already allowed."""

from __future__ import annotations

from sqlalchemy import select

from portal import db
from portal.receipts.models import StoredDocument
from portal.referrals.answers import Answers
from portal.referrals.models import Referral, ReferralVersion, Screening


def stored(referral: Referral, kind: str, language: str,
           printed_for: str) -> StoredDocument | None:
    """The document as first printed while the referral stood as ``printed_for`` says."""
    return db.session().scalar(select(StoredDocument).where(
        StoredDocument.referral_id == referral.id, StoredDocument.kind == kind,
        StoredDocument.language == language, StoredDocument.printed_for == printed_for))


def versions(referral: Referral, kind: str, language: str) -> list[StoredDocument]:
    """Every stored print of one document, the first (what was handed out first) first."""
    return list(db.session().scalars(select(StoredDocument).where(
        StoredDocument.referral_id == referral.id, StoredDocument.kind == kind,
        StoredDocument.language == language).order_by(StoredDocument.id)))


def submitted_answers(referral: Referral) -> Answers:
    """The answers as submitted (version 1): a document records the referral as it was sent,
    not as later answers to a coordinator's questions changed it."""
    first = db.session().scalar(select(ReferralVersion.answers).where(
        ReferralVersion.referral_id == referral.id).order_by(ReferralVersion.number).limit(1))
    return Answers.parse(referral.route, first if first is not None else referral.answers)


def submitted_screening(referral: Referral) -> Screening | None:
    return db.session().scalar(select(Screening).where(Screening.referral_id == referral.id)
                               .order_by(Screening.version_number, Screening.id).limit(1))

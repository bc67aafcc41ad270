"""Reads of referrals, always narrowed to what the asking user may see."""

from __future__ import annotations

from sqlalchemy import Select, select

from portal import db
from portal.accounts.access import STAFF, refuse
from portal.accounts.models import Role, User
from portal.consent.models import Consent
from portal.referrals.models import InformationRequest, Referral, Screening
from portal.referrals.states import Status


def visible_to(user: User) -> Select:
    """Referrers see their own; partner administrators their organisation's; program staff every
    submitted referral (never a partner's draft)."""
    query = select(Referral)
    if user.role is Role.REFERRER:
        return query.where(Referral.referrer_id == user.id)
    if user.role is Role.PARTNER_ADMIN:
        return query.where(Referral.organisation_id == user.organisation_id)
    if user.role in STAFF:
        return query.where(Referral.status != Status.DRAFT)
    return query.where(False)


def referral_for(user: User, referral_id: int) -> Referral | None:
    return db.session().scalar(visible_to(user).where(Referral.id == referral_id))


# The loaders: the record, or a refusal (404, audited) -- the same on every route.


def load(user: User, referral_id: int) -> Referral:
    """A referral the user may see, in any state."""
    return referral_for(user, referral_id) or refuse(("referrals", referral_id))


def load_draft(user: User, referral_id: int) -> Referral:
    """A draft, for its author only (the author is the consent's witness)."""
    referral = referral_for(user, referral_id)
    if referral is None or referral.status is not Status.DRAFT or referral.referrer_id != user.id:
        refuse(("referrals", referral_id))
    return referral


def load_signed(user: User, referral_id: int) -> tuple[Referral, Consent]:
    """A submitted referral the user may see, with its signed consent (what documents and the
    revocation are made from)."""
    referral = referral_for(user, referral_id)
    consent = consent_of(referral) if referral is not None else None
    if consent is None:
        refuse(("referrals", referral_id))
    return referral, consent


def dashboard(user: User, limit: int = 200) -> list[Referral]:
    return list(db.session().scalars(
        visible_to(user).order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(limit)))


def latest_screening(referral: Referral) -> Screening | None:
    return db.session().scalar(select(Screening).where(Screening.referral_id == referral.id)
                               .order_by(Screening.id.desc()).limit(1))


def open_request(referral: Referral) -> InformationRequest | None:
    return db.session().scalar(select(InformationRequest).where(
        InformationRequest.referral_id == referral.id, InformationRequest.answered_at.is_(None))
        .order_by(InformationRequest.id.desc()).limit(1))


def requests(referral: Referral) -> list[InformationRequest]:
    return list(db.session().scalars(select(InformationRequest).where(
        InformationRequest.referral_id == referral.id).order_by(InformationRequest.id)))


def consent_of(referral: Referral) -> Consent | None:
    return db.session().scalar(select(Consent).where(Consent.referral_id == referral.id))

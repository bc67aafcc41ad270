"""Reads of referrals, always narrowed to what the asking user may see."""

from __future__ import annotations

from sqlalchemy import Select, select

from portal import db
from portal.accounts.models import Role, User
from portal.consent.models import Consent
from portal.referrals.models import InformationRequest, Referral, Screening
from portal.referrals.states import Status

PARTNERS = (Role.REFERRER, Role.PARTNER_ADMIN)
STAFF = (Role.COORDINATOR, Role.PROGRAM_ADMIN)


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


def draft_for(user: User, referral_id: int) -> Referral | None:
    """A draft is edited by its author only (the author is the consent's witness)."""
    referral = referral_for(user, referral_id)
    if referral is None or referral.status is not Status.DRAFT or referral.referrer_id != user.id:
        return None
    return referral


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

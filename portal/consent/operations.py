"""Signing and revoking consent. Revocation stops further disclosure from the day it takes effect."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from portal import audit, db, events
from portal.accounts.models import User
from portal.consent.models import Consent, ConsentFlag, ConsentStatus, Revocation
from portal.eligibility import months_after
from portal.errors import Refused
from portal.web.dates import long_date


def record_signature(actor: User, referral, signed, *, texts) -> Consent:
    """The consent as signed on the consent page (``signed``: the typed ConsentAnswers); the
    referrer is the witness."""
    text = texts.get(signed.text_id)
    consent = Consent(
        referral_id=referral.id, text_id=text.id, text_version=text.version,
        text_sha256=text.sha256, language=text.language, signature=signed.signature,
        signed_on=signed.signed_on, confirmed=signed.confirmed,
        witness_id=actor.id, expires_on=months_after(signed.signed_on, text.expires_after_months),
        revocable_from=referral.intake_deadline if text.revocable == "after_event" else None)
    db.session().add(consent)
    audit.record("consent.signed", actor=actor, subject=referral,
                 detail={"text": text.id, "language": text.language})
    return consent


def record_revocation(actor: User, consent: Consent, *, requested_on: date, method: str,
                      note: str | None, today: date) -> Revocation:
    """Before its revocable point, an arrest-diversion consent's revocation is recorded and
    takes effect only at that point; the coordinator sees it as pending."""
    if consent.status is not ConsentStatus.ACTIVE:
        raise Refused("A revocation has already been recorded for this consent")
    if requested_on < consent.signed_on:
        raise Refused("The date of the revocation cannot be before the consent was signed "
                      f"({long_date(consent.signed_on)})")
    effective = max(requested_on, consent.revocable_from or requested_on)
    revocation = Revocation(consent_id=consent.id, requested_on=requested_on, method=method,
                            note=note or None, effective_on=effective, recorded_by_id=actor.id)
    db.session().add(revocation)
    consent.status = (ConsentStatus.REVOKED if effective <= today
                      else ConsentStatus.REVOCATION_PENDING)
    audit.record("consent.revocation_recorded", actor=actor, subject=consent,
                 detail={"effective_on": effective.isoformat(), "status": consent.status.value})
    events.emit("consent.revocation_recorded", consent=consent, actor=actor)
    return revocation


def apply_due_revocations(today: date) -> list[Consent]:
    """Pending revocations whose day has come take effect (run daily: safe to run twice, since
    a consent applied is no longer pending; and from two hosts, since on PostgreSQL each consent
    is locked as it is read and one another run holds is skipped)."""
    due = db.session().scalars(
        select(Consent).join(Revocation, Revocation.consent_id == Consent.id)
        .where(Consent.status == ConsentStatus.REVOCATION_PENDING,
               Revocation.effective_on <= today).order_by(Consent.id)
        .with_for_update(skip_locked=True, of=Consent)).unique().all()
    for consent in due:
        consent.status = ConsentStatus.REVOKED
        audit.record("consent.revocation_effective", actor=None, subject=consent,
                     detail={"effective_on": consent.revocations[-1].effective_on.isoformat()})
    return list(due)


def flags(referral_ids: list[int], today: date) -> dict[int, ConsentFlag]:
    """The consents of these referrals that are not simply in force, for the queue's flags."""
    rows = db.session().scalars(select(Consent).where(
        Consent.referral_id.in_(referral_ids),
        or_(Consent.status != ConsentStatus.ACTIVE, Consent.expires_on < today)))
    return {consent.referral_id: flag_of(consent, today) for consent in rows}


def flag_of(consent: Consent, today: date) -> ConsentFlag:
    """A revocation in effect comes first: it was the person's own act."""
    status = effective_status(consent, today)
    if status is ConsentStatus.REVOKED:
        return ConsentFlag.REVOKED
    if consent.has_expired(today):
        return ConsentFlag.EXPIRED
    return ConsentFlag(status.value)


def flag_columns() -> tuple:
    """What flag_from reads, as columns of a query that outer-joins Consent (the queue's rows
    read them with the rows, instead of loading each consent and its revocations)."""
    latest = (select(Revocation.effective_on).where(Revocation.consent_id == Consent.id)
              .order_by(Revocation.id.desc()).limit(1).scalar_subquery())
    return (Consent.status.label("consent_status"), Consent.expires_on.label("consent_expires_on"),
            latest.label("revocation_effective_on"))


def flag_from(row, today: date) -> ConsentFlag | None:
    """flag_of, from the columns of flag_columns; None for a consent simply in force (or none)."""
    status = row.consent_status
    if status is None:
        return None
    effective_on = row.revocation_effective_on
    if status is ConsentStatus.REVOCATION_PENDING and effective_on and effective_on <= today:
        return ConsentFlag.REVOKED
    if status is ConsentStatus.REVOKED:
        return ConsentFlag.REVOKED
    if row.consent_expires_on is not None and row.consent_expires_on < today:
        return ConsentFlag.EXPIRED
    return None if status is ConsentStatus.ACTIVE else ConsentFlag(status.value)


def effective_status(consent: Consent, today: date) -> ConsentStatus:
    """A pending revocation takes effect on its day without anyone acting."""
    if consent.status is ConsentStatus.REVOCATION_PENDING and consent.revocations:
        if consent.revocations[-1].effective_on <= today:
            return ConsentStatus.REVOKED
    return consent.status

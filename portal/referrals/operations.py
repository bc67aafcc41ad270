"""The verbs of referrals. Each takes its actor, flushes but never commits, and writes its audit row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from portal import audit, db
from portal.accounts.models import User
from portal.notifications import notices
from portal.accounts.tokens import readable_code
from portal.consent import operations as consent
from portal.consent.texts import signature_matches
from portal.eligibility import Ruleset
from portal.referrals import facts as screening
from portal.referrals.models import (
    InformationRequest, Referral, ReferralEvent, ReferralVersion, Screening,
)
from portal.referrals.states import PARTNER, Status, allowed


class Refused(Exception):
    """The referral is not in a state where this can be done."""


class AlreadySubmitted(Refused):
    """A second press of Submit (a double click, a retry): the first one made the referral."""


def start_referral(actor: User, route: str, ruleset: Ruleset) -> Referral:
    if route not in {r.code for r in ruleset.routes_for(actor.organisation.kind.value)}:
        raise Refused("Your organisation cannot use this route")
    referral = Referral(route=route, organisation_id=actor.organisation_id, referrer_id=actor.id,
                        answers={})
    db.session().add(referral)
    audit.record("referral.started", actor=actor, subject=referral, detail={"route": route})
    return referral


def referrer_defaults(actor: User) -> dict:
    """The referrer page starts from the partner's profile."""
    return {"name": actor.name, "badge_number": actor.badge_number, "phone": actor.phone}


def blocks_submission(result) -> bool:
    """Screening advises, except for the age rule: nobody under 18 is referred."""
    return any(f.rule == "minimum_age" and f.outcome == "fail" for f in result.findings)


def save_step(actor: User, referral: Referral, slug: str, page: dict) -> None:
    """Keep a page's answers in the draft (a new dict, so the JSON column sees the change).

    A consent signed before the legal name was changed no longer bears the person's name: it is
    dropped, and the consent page asks for it again."""
    answers = {**referral.answers, slug: page}
    signed = answers.get("consent")
    if slug == "person" and signed and not signature_matches(signed.get("signature") or "",
                                                             page.get("legal_name") or ""):
        del answers["consent"]
    referral.answers = answers
    audit.record("referral.draft_saved", actor=actor, subject=referral, detail={"page": slug})


def discard_draft(actor: User, referral: Referral) -> None:
    audit.record("referral.draft_discarded", actor=actor, subject=referral)
    db.session().delete(referral)


def submit_referral(actor: User, referral: Referral, *, ruleset: Ruleset, texts, today: date,
                    partner_note: str | None) -> Referral:
    """Referral, consent, screening, first version, transition and audit row, all in one
    transaction. The status changes only if it is still a draft, so that a second press (or a
    second request at the same moment) finds it submitted and makes nothing."""
    facts, result, problem = screening.screen_answers(
        referral.route, referral.organisation.kind.value, referral.answers, ruleset, today)
    if problem is not None or blocks_submission(result):
        raise Refused("This referral cannot be submitted yet")
    person = referral.answers["person"]
    changed = db.session().execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.status == Status.DRAFT)
        .values(status=Status.SUBMITTED, reference=_new_reference(), submitted_at=db.utcnow(),
                legal_name=person["legal_name"], date_of_birth=date.fromisoformat(
                    person["date_of_birth"]), screening_decision=result.decision,
                intake_deadline=result.intake_deadline, partner_note=partner_note or None,
                version=Referral.version + 1)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise AlreadySubmitted()
    db.session().refresh(referral)
    _keep_version(actor, referral, 1)
    _keep_screening(referral, 1, facts, result, ruleset, today)
    consent.record_signature(actor, referral, referral.answers["consent"], texts=texts)
    _event(actor, referral, Status.DRAFT, Status.SUBMITTED, partner_note)
    audit.record("referral.submitted", actor=actor, subject=referral,
                 detail={"reference": referral.reference, "screening": result.decision})
    notices.referral_submitted(referral, actor)
    return referral


def _new_reference() -> str:
    """Short, read aloud without confusion (no 0/O, 1/I), and not guessable in sequence."""
    while True:
        code = readable_code(8)
        reference = f"{code[:4]}-{code[4:]}"
        taken = db.session().scalar(select(func.count()).where(Referral.reference == reference))
        if not taken:
            return reference


def _keep_version(actor: User, referral: Referral, number: int) -> None:
    db.session().add(ReferralVersion(referral_id=referral.id, number=number,
                                     answers=referral.answers, created_by_id=actor.id))


def _keep_screening(referral, number, facts, result, ruleset: Ruleset, today: date) -> None:
    db.session().add(Screening(
        referral_id=referral.id, version_number=number, decision=result.decision, facts=facts,
        result=result.to_dict(), ruleset_id=ruleset.id, ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256, screened_on=today))


def transition(actor: User | None, referral: Referral, target: Status, by: str,
               reason: str | None = None) -> None:
    if not allowed(referral.status, target, by):
        raise Refused(f"A referral that is {referral.status.label.lower()} cannot become "
                      f"{target.label.lower()}")
    _event(actor, referral, referral.status, target, reason)
    referral.status = target
    audit.record(f"referral.{target.value}", actor=actor, subject=referral,
                 detail={"reason": reason} if reason else None)


def _event(actor, referral, source: Status, target: Status, reason: str | None) -> None:
    db.session().add(ReferralEvent(referral_id=referral.id, actor_id=getattr(actor, "id", None),
                                   from_status=source, to_status=target, reason=reason))


def withdraw(actor: User, referral: Referral, reason: str) -> None:
    if allowed(referral.status, Status.WITHDRAWN, PARTNER):
        # A withdrawn referral is nobody's to work on (the database refuses a claim on it).
        referral.claimed_by_id = referral.claimed_at = None
    transition(actor, referral, Status.WITHDRAWN, PARTNER, reason)
    notices.withdrawal_acknowledged(referral, actor)


def answer_request(actor: User, referral: Referral, request: InformationRequest,
                   answer: str) -> None:
    """The partner's answer: kept beside the earlier version, and back to review."""
    request.answer, request.answered_by_id, request.answered_at = answer, actor.id, db.utcnow()
    information = [*referral.answers.get("information", []),
                   {"question": request.question, "answer": answer}]
    referral.answers = {**referral.answers, "information": information}
    number = db.session().scalar(select(func.max(ReferralVersion.number))
                                 .where(ReferralVersion.referral_id == referral.id)) or 0
    _keep_version(actor, referral, number + 1)
    transition(actor, referral, Status.IN_REVIEW, PARTNER, "Information added by the partner")
    notices.partner_replied(referral, actor)

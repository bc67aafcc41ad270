"""The verbs of referrals. Each takes its actor, flushes but never commits, and writes its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update

from portal import audit, db, events
from portal.accounts.models import User
from portal.accounts.tokens import readable_code
from portal.consent import operations as consent
from portal.consent.texts import signature_matches
from portal.eligibility import FactsError, Result, Ruleset
from portal.errors import Refused
from portal.referrals import facts as screening
from portal.referrals import drafts, steps
from portal.referrals.answers import Answers, of
from portal.referrals.models import (
    InformationRequest, Referral, ReferralEvent, ReferralVersion, Screening,
)
from portal.referrals.states import PARTNER, Status, allowed
from portal.referrals.steps import Step


class AlreadySubmitted(Refused):
    """A second press of Submit (a double click, a retry): the first one made the referral."""


def start_referral(actor: User, route: str, ruleset: Ruleset) -> Referral:
    if route not in {r.code for r in ruleset.routes_for(actor.organisation.kind.value)}:
        raise Refused("Your organization cannot use this route")
    # A complete profile answers the referrer page: it is skipped (check your answers shows it,
    # with its Change link).
    profile = steps.complete_profile(actor)
    referral = Referral(route=route, organisation_id=actor.organisation_id, referrer_id=actor.id,
                        answers={"referrer": profile} if profile else {})
    db.session().add(referral)
    audit.record("referral.started", actor=actor, subject=referral, detail={"route": route})
    return referral


def empty_draft(actor: User, route: str, ruleset: Ruleset) -> Referral:
    """The actor's newest draft of ``route`` with nothing entered yet, or a new one: for the
    start page that has nothing to ask (a GET), which must not start a draft each time."""
    drafts_of_route = db.session().scalars(
        select(Referral).where(Referral.referrer_id == actor.id, Referral.route == route,
                               Referral.status == Status.DRAFT, Referral.pending.is_(None))
        .order_by(Referral.id.desc()).limit(5))
    unused = next((r for r in drafts_of_route if of(r).answered <= {"referrer"}), None)
    return unused or start_referral(actor, route, ruleset)


@dataclass(frozen=True)
class SubmissionCheck:
    """Everything that blocks or conditions sending a draft, from one screening. The check
    page shows it; submit_referral refuses what it refuses."""

    answers: Answers
    missing: list[Step]
    facts: dict
    result: Result | None
    problem: FactsError | None
    consent_problem: str | None

    @property
    def blocked(self) -> bool:
        """Screening advises, except for the age rule: nobody under the minimum age is sent."""
        return self.result is not None and any(
            f.rule == "minimum_age" and f.outcome == "fail" for f in self.result.findings)

    @property
    def sendable(self) -> bool:
        return (not self.missing and self.result is not None and not self.blocked
                and self.consent_problem is None)

    @property
    def note_required(self) -> bool:
        """An ineligible referral goes to review only with the partner's reason for it."""
        return self.result is not None and self.result.decision == "ineligible"


NOTE_REQUIRED = "Enter a note for the coordinator saying why this referral should be reviewed"


def check_submission(referral: Referral, *, ruleset: Ruleset, texts,
                     today: date) -> SubmissionCheck:
    answers = of(referral)
    facts, result, problem = screening.screen_answers(
        answers, referral.organisation.kind.value, ruleset, today)
    return SubmissionCheck(answers, steps.unanswered(answers), facts, result, problem,
                           _consent_problem(answers, texts))


def _consent_problem(answers: Answers, texts) -> str | None:
    """A consent that is not the person's current one: signed on a text that has been replaced
    or is for another route, or not by the name now entered."""
    if "consent" not in answers.answered:
        return None  # the page is missing: said as such
    signed = answers.consent
    text = texts.get(signed.text_id)
    if text is None or text.route != answers.route or text != texts.current(text.route,
                                                                             text.language):
        return "The consent text has changed since the person signed it: ask them to sign again"
    if not signed.confirmed or not signature_matches(signed.signature,
                                                     answers.person.legal_name):
        return "The signature does not match the person's legal name: ask them to sign again"
    return None


def save_step(actor: User, referral: Referral, slug: str, page: dict) -> None:
    """Keep a page's answers in the draft. A consent signed before the legal name was changed no
    longer bears the person's name: it is dropped, and the consent page asks for it again."""
    answers = of(referral)
    stored = answers.with_page(slug, page)
    updated = Answers.parse(referral.route, stored)
    if slug == "person" and "consent" in updated.answered and not signature_matches(
            updated.consent.signature, updated.person.legal_name):
        stored = updated.without_page("consent")
    referral.answers = stored
    drafts.forget(referral, slug)
    audit.record("referral.draft_saved", actor=actor, subject=referral, detail={"page": slug})


def discard_draft(actor: User, referral: Referral) -> None:
    audit.record("referral.draft_discarded", actor=actor, subject=referral)
    db.session().delete(referral)


def submit_referral(actor: User, referral: Referral, *, ruleset: Ruleset, texts, today: date,
                    partner_note: str | None) -> Referral:
    """Referral, consent, screening, first version, transition and audit row, all in one
    transaction. The status changes only if it is still a draft, so that a second press (or a
    second request at the same moment) finds it submitted and makes nothing."""
    check = check_submission(referral, ruleset=ruleset, texts=texts, today=today)
    if not check.sendable:
        raise Refused("This referral cannot be submitted yet")
    if check.note_required and not partner_note:
        raise Refused(NOTE_REQUIRED)
    result, person = check.result, check.answers.person
    changed = db.session().execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.status == Status.DRAFT)
        .values(status=Status.SUBMITTED, reference=_new_reference(), submitted_at=db.utcnow(),
                **copied_columns(person, result), intake_deadline=result.intake_deadline,
                respond_by=result.respond_by,
                partner_note=partner_note or None, pending=None, version=Referral.version + 1)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise AlreadySubmitted()
    db.session().refresh(referral)
    events.emit("referral.submitted", referral=referral, actor=actor, answers=check.answers,
                ruleset=ruleset)
    _keep_version(actor, referral, 1)
    keep_screening(referral, 1, check.facts, result, ruleset, today)
    consent.record_signature(actor, referral, check.answers.consent, texts=texts)
    _event(actor, referral, Status.DRAFT, Status.SUBMITTED, message=partner_note)
    audit.record("referral.submitted", actor=actor, subject=referral,
                 detail={"reference": referral.reference, "screening": result.decision})
    return referral


def copied_columns(person, result: Result) -> dict:
    """What the referral's row copies from its answers and screening, for matching and the
    queue: set at submission, and again when a correction is sent. (The intake deadline and the
    response target count from the day of the referral, and so stay as submitted.)"""
    return {"legal_name": person.legal_name, "date_of_birth": person.date_of_birth,
            "screening_decision": result.decision}


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


def keep_screening(referral, number, facts, result, ruleset: Ruleset, today: date) -> None:
    db.session().add(Screening(
        referral_id=referral.id, version_number=number, decision=result.decision, facts=facts,
        result=result.to_dict(), ruleset_id=ruleset.id, ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256, screened_on=today))


def transition(actor: User | None, referral: Referral, target: Status, by: str, *,
               note: str | None = None, message: str | None = None) -> None:
    """``note``: for program staff only; ``message``: the referring partner reads it too. The
    audit row records the change, never either text (which may hold health details)."""
    if not allowed(referral.status, target, by):
        raise Refused(f"A referral that is {referral.status.label.lower()} cannot become "
                      f"{target.label.lower()}")
    source = referral.status
    _event(actor, referral, source, target, note=note, message=message)
    referral.status = target
    audit.record(f"referral.{target.value}", actor=actor, subject=referral,
                 detail={"from": source.value})
    events.emit("referral.status_changed", referral=referral, actor=actor, source=source,
                target=target)


def _event(actor, referral, source: Status, target: Status, *, note: str | None = None,
           message: str | None = None) -> None:
    db.session().add(ReferralEvent(referral_id=referral.id, actor_id=getattr(actor, "id", None),
                                   from_status=source, to_status=target, reason=note,
                                   partner_message=message))


def withdraw(actor: User, referral: Referral, reason: str) -> None:
    if allowed(referral.status, Status.WITHDRAWN, PARTNER):
        # A withdrawn referral is nobody's to work on (the database refuses a claim on it).
        referral.claimed_by_id = referral.claimed_at = None
    transition(actor, referral, Status.WITHDRAWN, PARTNER, message=reason)
    events.emit("referral.withdrawn", referral=referral, actor=actor)


def answer_request(actor: User, referral: Referral, request: InformationRequest,
                   answer: str) -> int:
    """The partner's answer: kept beside the earlier version, and back to review. Returns the
    new version's number."""
    request.answer, request.answered_by_id, request.answered_at = answer, actor.id, db.utcnow()
    referral.answers = of(referral).with_exchange(request.question, answer)
    number = db.session().scalar(select(func.max(ReferralVersion.number))
                                 .where(ReferralVersion.referral_id == referral.id)) or 0
    _keep_version(actor, referral, number + 1)
    transition(actor, referral, Status.IN_REVIEW, PARTNER,
               message="Information added by the partner")
    events.emit("referral.partner_replied", referral=referral, actor=actor)
    return number + 1

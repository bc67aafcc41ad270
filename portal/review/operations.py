"""The coordinator's verbs. Each takes the version of the referral the coordinator saw: if the
referral changed since, nothing is written and ``Stale`` says what changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal import audit, db, events
from portal.accounts.access import may
from portal.accounts.models import User
from portal.errors import Refused
from portal.referrals.corrections import correctable_steps
from portal.referrals.models import DeadlineExtension, InformationRequest, Referral, ReviewNote
from portal.referrals.operations import transition
from portal.referrals.states import COORDINATOR, SYSTEM, Status
from portal.review import queries
from portal.web.dates import long_date


class Stale(Refused):
    """The referral changed after the page was loaded; the newer state is kept."""

    def __init__(self, referral: Referral):
        super().__init__("This referral changed after you opened it")
        self.referral = referral


class NeedsJustification(Refused):
    """An override (accepting against the screening) without its written justification."""


class PastDeadline(Refused):
    """Accepting a referral whose intake deadline has passed, not yet confirmed."""


def check_version(referral: Referral, seen: int | None) -> None:
    if seen is None or referral.version != seen:
        raise Stale(referral)


def claim(actor: User, referral: Referral, seen: int) -> None:
    check_version(referral, seen)
    if referral.claimed_by_id is not None:
        raise Refused(f"{referral.claimed_by.name} is already working on this referral")
    if referral.status is Status.SUBMITTED:
        transition(actor, referral, Status.IN_REVIEW, COORDINATOR, note="Claimed")
    elif referral.status is not Status.IN_REVIEW:
        raise Refused(f"A referral that is {referral.status.label.lower()} cannot be claimed")
    _hold(actor, referral, actor)
    audit.record("referral.claimed", actor=actor, subject=referral)


def claim_next(actor: User) -> Referral | None:
    """The most urgent unclaimed referral, or None. On PostgreSQL the row is locked with SKIP
    LOCKED, so two coordinators pressing at once get two different referrals."""
    referral = db.session().scalar(queries.next_claimable())
    if referral is None:
        return None
    claim(actor, referral, referral.version)
    return referral


def release(actor: User, referral: Referral, seen: int) -> None:
    check_version(referral, seen)
    _require_holder(actor, referral)
    referral.claimed_by_id = referral.claimed_at = None
    audit.record("referral.released", actor=actor, subject=referral)


def reassign(actor: User, referral: Referral, seen: int, to: User, note: str) -> None:
    check_version(referral, seen)
    _require_holder(actor, referral, or_unclaimed=True)
    if to.role not in may("review") or to.disabled_at is not None:
        raise Refused("Choose an active coordinator")
    if referral.status not in {Status.IN_REVIEW, Status.NEEDS_INFORMATION}:
        raise Refused("Only a referral under review can be reassigned")
    _hold(actor, referral, to)
    add_note(actor, referral, f"Reassigned to {to.name}: {note}")
    audit.record("referral.reassigned", actor=actor, subject=referral, detail={"to": to.id})


def _hold(actor: User, referral: Referral, holder: User) -> None:
    referral.claimed_by_id, referral.claimed_at = holder.id, db.utcnow()


def may_act(actor: User, referral: Referral, or_unclaimed: bool = True) -> bool:
    """A claim means something: only its holder (or a program administrator) acts on it.
    ``or_unclaimed``: a referral nobody holds may be acted on by any coordinator."""
    if referral.claimed_by_id == actor.id or actor.role in may("act_for_any_holder"):
        return True
    return or_unclaimed and referral.claimed_by_id is None


def _require_holder(actor: User, referral: Referral, or_unclaimed: bool = False) -> None:
    if may_act(actor, referral, or_unclaimed):
        return
    holder = referral.claimed_by.name if referral.claimed_by else "the coordinator working on it"
    raise Refused(f"Only {holder} (or a program administrator) can do that: ask a program "
                  "administrator to reassign it to you")


def ask_to_reassign(actor: User, referral: Referral, seen: int) -> ReviewNote:
    """Someone other than the holder asks a program administrator to reassign the referral:
    a review note the administrators see on the referral's page (there is no notice for it)."""
    check_version(referral, seen)
    if referral.claimed_by_id is None or referral.claimed_by_id == actor.id:
        raise Refused("Only a referral someone else is working on can be asked for")
    audit.record("referral.reassign_asked", actor=actor, subject=referral,
                 detail={"holder": referral.claimed_by_id})
    return add_note(actor, referral, f"{actor.name} asked to reassign this referral from "
                                     f"{referral.claimed_by.name} to them")


def accept(actor: User, referral: Referral, seen: int, justification: str | None,
           message: str | None = None, *, past_deadline: bool = False) -> None:
    """Accepting against the screening is an override, and needs its written justification
    (program staff only); ``message`` goes to the referring partner. Accepting a referral whose
    intake deadline has passed needs ``past_deadline`` (the coordinator confirmed it)."""
    check_version(referral, seen)
    _require_holder(actor, referral, or_unclaimed=True)
    deadline = referral.intake_deadline
    if deadline is not None and deadline < date.today() and not past_deadline:
        raise PastDeadline(f"The intake deadline passed on {long_date(deadline)}. Confirm that "
                           "you accept it anyway, then extend the deadline")
    if referral.screening_decision != "eligible" and not justification:
        raise NeedsJustification("Write why you are accepting a referral the screening did not "
                                 "find eligible")
    referral.override_justification = justification or None
    _decide(actor, referral, Status.ACCEPTED, justification, message)


def decline(actor: User, referral: Referral, seen: int, *, reason: str, declined_by: str,
            note: str, message: str | None = None) -> None:
    """``reason``: a code from the ruleset, whose label the partner sees; ``note``: program
    staff only; ``message``: to the referring partner."""
    check_version(referral, seen)
    _require_holder(actor, referral, or_unclaimed=True)
    referral.decline_reason, referral.declined_by = reason, declined_by
    _decide(actor, referral, Status.DECLINED, note, message)


def _decide(actor: User, referral: Referral, target: Status, note: str | None,
            message: str | None) -> None:
    # The decision's columns first: the database checks them when the status changes.
    referral.decided_by_id, referral.decided_at = actor.id, db.utcnow()
    referral.decision_note, referral.partner_message = note or None, message or None
    referral.claimed_by_id = referral.claimed_at = None
    transition(actor, referral, target, COORDINATOR, note=note, message=message)
    events.emit("referral.decided", referral=referral, actor=actor)


def request_information(actor: User, referral: Referral, seen: int, question: str,
                        context: str | None = None, pages: list[str] | None = None) -> None:
    """``question`` goes to the referring partner; ``context`` stays with program staff;
    ``pages``: the question pages the partner may correct in their reply (never the consent)."""
    check_version(referral, seen)
    _require_holder(actor, referral, or_unclaimed=True)
    if set(pages or ()) - {step.slug for step in correctable_steps(referral.route)}:
        raise Refused("Tick only pages of this referral that the partner can correct", "pages")
    transition(actor, referral, Status.NEEDS_INFORMATION, COORDINATOR, note=context,
               message=question)
    db.session().add(InformationRequest(referral_id=referral.id, question=question,
                                        asked_by_id=actor.id, pages=list(pages or ()) or None))
    if referral.claimed_by_id is None:
        _hold(actor, referral, actor)
    events.emit("referral.information_requested", referral=referral, actor=actor)


def record_intake(actor: User, referral: Referral, seen: int, completed_on: date | None) -> None:
    """Intake completed, or missed. Intake recorded after the deadline (also once the daily job
    marked it missed) is kept as completed: "intake completed late" (standing.completed_late)."""
    check_version(referral, seen)
    if completed_on is None:
        if referral.status is Status.INTAKE_MISSED:
            raise Refused("This referral's intake is already recorded as missed")
        transition(actor, referral, Status.INTAKE_MISSED, COORDINATOR, note="Intake missed")
        return
    referral.intake_completed_on = completed_on
    late = referral.intake_deadline is not None and completed_on > referral.intake_deadline
    transition(actor, referral, Status.INTAKE_COMPLETED, COORDINATOR,
               note=f"Intake completed{' late' if late else ''} on {completed_on.isoformat()}")


def extend_deadline(actor: User, referral: Referral, seen: int, new_deadline: date,
                    reason: str, today: date) -> DeadlineExtension:
    """A later intake deadline, with its reason (program staff only). A missed intake whose
    deadline is extended is accepted again: the person may still come, and the daily job marks
    it missed again if the new day passes too. The revocable point of the consent stays where
    the person was told it is (the consent text counts it from the day they signed)."""
    check_version(referral, seen)
    old = referral.intake_deadline
    if referral.status not in {Status.ACCEPTED, Status.INTAKE_MISSED} or old is None:
        raise Refused("Only the deadline of an accepted referral waiting for intake can be "
                      "extended")
    if new_deadline <= old or new_deadline < today:
        raise Refused("The new deadline must be after the current one and not in the past")
    extension = DeadlineExtension(referral_id=referral.id, old_deadline=old,
                                  new_deadline=new_deadline, reason=reason, extended_by_id=actor.id)
    db.session().add(extension)
    referral.intake_deadline = new_deadline
    if referral.status is Status.INTAKE_MISSED:
        transition(actor, referral, Status.ACCEPTED, COORDINATOR,
                   note=f"Intake deadline extended to {new_deadline.isoformat()}")
    audit.record("referral.deadline_extended", actor=actor, subject=referral,
                 detail={"from": old.isoformat(), "to": new_deadline.isoformat()})
    events.emit("referral.deadline_extended", referral=referral, actor=actor,
                old_deadline=old, new_deadline=new_deadline, reason=reason)
    return extension


def mark_missed_deadlines(today: date) -> list[Referral]:
    """Accepted referrals whose intake deadline has passed without intake: intake missed.
    Run daily (cron). Safe to run twice: a referral marked is no longer accepted. Safe from two
    hosts at once: on PostgreSQL each row is locked as it is read and rows another run holds
    are skipped (SKIP LOCKED), and the version check refuses a change to a row that moved."""
    overdue = db.session().scalars(
        select(Referral).where(Referral.status == Status.ACCEPTED,
                               Referral.intake_deadline < today).order_by(Referral.id)
        .with_for_update(skip_locked=True, of=Referral)).all()
    for referral in overdue:
        transition(None, referral, Status.INTAKE_MISSED, SYSTEM,
                   note=f"Intake deadline {referral.intake_deadline.isoformat()} passed")
    return list(overdue)


def add_note(actor: User, referral: Referral, body: str) -> ReviewNote:
    note = ReviewNote(referral_id=referral.id, author_id=actor.id, body=body)
    db.session().add(note)
    audit.record("referral.note_added", actor=actor, subject=referral)
    return note

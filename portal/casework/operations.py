"""The verbs after acceptance. A claim ends when a referral is decided, so "a claim means
something" carries on here as responsibility: the case manager, when that is a program user,
else the coordinator who accepted the referral. Only they (or a program administrator) assign
the case manager or record contact attempts. Audit rows carry codes and ids, never free text."""

from __future__ import annotations

from datetime import date

from portal import audit, db
from portal.accounts.access import may
from portal.accounts.models import User
from portal.casework import queries
from portal.casework.models import CaseManagerAssignment, ContactAttempt
from portal.casework.vocabulary import METHODS, OUTCOMES
from portal.errors import Refused
from portal.referrals.models import Referral
from portal.referrals.states import Status

# Where the work after acceptance is done: before intake, and while the person is still sought
# after the intake deadline has passed.
WORKED = frozenset({Status.ACCEPTED, Status.INTAKE_MISSED})


def current_assignment(referral: Referral) -> CaseManagerAssignment | None:
    history = queries.assignments(referral)
    return history[-1] if history else None


def responsible(referral: Referral) -> User | None:
    """Who answers for an accepted referral: its case manager (a program user), else whoever
    accepted it. A named agency manages the case outside the portal, so it answers for nothing
    here."""
    assignment = current_assignment(referral)
    if assignment is not None and assignment.user is not None:
        return assignment.user
    return referral.decided_by


def may_record(actor: User, referral: Referral) -> bool:
    if referral.status not in WORKED:
        return False
    if actor.role in may("act_for_any_holder"):
        return True
    holder = responsible(referral)
    return holder is not None and holder.id == actor.id


def require(actor: User, referral: Referral) -> None:
    if referral.status not in WORKED:
        raise Refused(f"A referral that is {referral.status.label.lower()} has no work after "
                      "acceptance to record")
    if not may_record(actor, referral):
        holder = responsible(referral)
        name = holder.name if holder else "the coordinator responsible for it"
        raise Refused(f"Only {name} (or a program administrator) can record this")


def assign_case_manager(actor: User, referral: Referral, *, user: User | None = None,
                        agency: str | None = None, contact: str | None = None
                        ) -> CaseManagerAssignment:
    """A program user (coordinator or program administrator, active) or a named agency."""
    require(actor, referral)
    if (user is None) == (not agency):
        raise Refused("Choose a member of the program staff or name an agency", "kind")
    if user is not None and (user.role not in may("review") or user.disabled_at is not None):
        raise Refused("Choose an active member of the program staff", "user")
    assignment = CaseManagerAssignment(referral_id=referral.id, assigned_by_id=actor.id,
                                       user_id=user.id if user else None, agency=agency or None,
                                       agency_contact=(contact or None) if agency else None)
    db.session().add(assignment)
    detail = {"user": user.id} if user else {"agency": True}
    audit.record("casework.case_manager_assigned", actor=actor, subject=referral, detail=detail)
    return assignment


def record_attempt(actor: User, referral: Referral, *, attempted_on: date, method: str,
                   outcome: str, note: str | None, today: date) -> ContactAttempt:
    require(actor, referral)
    check_attempt_date(referral, attempted_on, today)
    if method not in METHODS:
        raise Refused("Select how you tried to reach the person", "method")
    if outcome not in OUTCOMES:
        raise Refused("Select what came of the attempt", "outcome")
    attempt = ContactAttempt(referral_id=referral.id, attempted_on=attempted_on, method=method,
                             outcome=outcome, note=note or None, recorded_by_id=actor.id)
    db.session().add(attempt)
    audit.record("casework.contact_attempt_recorded", actor=actor, subject=referral,
                 detail={"attempted_on": attempted_on.isoformat(), "method": method,
                         "outcome": outcome})
    return attempt


def accepted_on(referral: Referral) -> date:
    return referral.decided_at.date()


def check_attempt_date(referral: Referral, attempted_on: date, today: date) -> None:
    """Not in the future, and not before the referral was accepted."""
    if attempted_on > today:
        raise Refused("The date of the attempt must be today or in the past", "attempted_on")
    if attempted_on < accepted_on(referral):
        raise Refused("The date of the attempt must be on or after the day the referral was "
                      f"accepted ({_us(accepted_on(referral))})", "attempted_on")


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"

"""The reads after acceptance: a referral's case managers and contact attempts, and the case
conferencing list. Program staff only: the routes refuse everyone else before these run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, lazyload

from portal import db
from portal.casework.models import CaseManagerAssignment, ContactAttempt
from portal.casework.vocabulary import method_label, outcome_label
from portal.referrals.models import InformationRequest, Referral
from portal.referrals.states import Status
from portal.review.queries import QUEUE_ORDER, Deadline

# The most urgent rows of each group shown (and printed); the count says how many there are.
# More than a weekly meeting gets through, and the PDF's bound: WeasyPrint lays out a row in
# about 30 ms on these machines, so three full groups print in about 10 s (bench_casework.py).
GROUP_LIMIT = 100


def assignments(referral: Referral) -> list[CaseManagerAssignment]:
    """Every case manager the referral has had, the current one last."""
    return list(db.session().scalars(select(CaseManagerAssignment).where(
        CaseManagerAssignment.referral_id == referral.id).order_by(CaseManagerAssignment.id)))


def attempts(referral: Referral) -> list[ContactAttempt]:
    """The contact attempts, latest first."""
    return list(db.session().scalars(select(ContactAttempt).where(
        ContactAttempt.referral_id == referral.id).order_by(
        ContactAttempt.attempted_on.desc(), ContactAttempt.id.desc())))


def attempt_words(attempt: ContactAttempt) -> str:
    """"Phone call: no answer", in the vocabulary's words."""
    method, outcome = method_label(attempt.method), outcome_label(attempt.outcome)
    return f"{method}: {outcome[0].lower()}{outcome[1:]}"


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    statuses: tuple[Status, ...]
    waiting_since: str  # what "days waiting" counts from, in words for the page's caption


GROUPS = (
    Group("in_review", "In review", (Status.SUBMITTED, Status.IN_REVIEW),
          "since the partner sent it"),
    Group("needs_information", "Needs information", (Status.NEEDS_INFORMATION,),
          "since the question to the partner"),
    Group("accepted", "Accepted, intake not yet done", (Status.ACCEPTED,),
          "since it was accepted"),
)


@dataclass(frozen=True)
class Row:
    referral: Referral
    days_waiting: int
    holder: str
    case_manager: str | None
    last_attempt: ContactAttempt | None
    deadline: Deadline | None


@dataclass(frozen=True)
class Listed:
    group: Group
    rows: list[Row]
    total: int  # all the group's referrals; rows holds at most GROUP_LIMIT of them

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def conference(today: date) -> list[Listed]:
    """The three groups, each most urgent first (the queue's order: nearest deadline or
    response target, then the oldest)."""
    return [_listed(group, today) for group in GROUPS]


def _listed(group: Group, today: date) -> Listed:
    session = db.session()
    referrals = list(session.scalars(
        select(Referral).where(Referral.status.in_(group.statuses))
        .options(defer(Referral.answers), lazyload(Referral.referrer),
                 joinedload(Referral.claimed_by), joinedload(Referral.decided_by))
        .order_by(*QUEUE_ORDER).limit(GROUP_LIMIT)))
    total = session.scalar(select(func.count()).select_from(Referral).where(
        Referral.status.in_(group.statuses)))
    ids = [r.id for r in referrals]
    managers, last_attempts = _current_managers(ids), _last_attempts(ids)
    asked = _last_asked(ids) if group.key == "needs_information" else {}
    rows = [Row(r, (today - _since(group, r, asked).date()).days,
                _holder(r, managers.get(r.id)), _label(managers.get(r.id)),
                last_attempts.get(r.id), Deadline.of(r.intake_deadline, today))
            for r in referrals]
    return Listed(group, rows, total)


def _since(group: Group, referral: Referral, asked: dict[int, datetime]) -> datetime:
    if group.key == "accepted":
        return referral.decided_at
    if group.key == "needs_information":
        return asked.get(referral.id, referral.submitted_at)
    return referral.submitted_at


def _holder(referral: Referral, manager: CaseManagerAssignment | None) -> str:
    """Who may act on it now: the claim's holder before a decision; after acceptance the
    case manager when a program user, else the coordinator who accepted it."""
    if referral.status is Status.ACCEPTED:
        user = manager.user if manager is not None and manager.user else referral.decided_by
        return user.name if user else "Unknown"
    return referral.claimed_by.name if referral.claimed_by else "Unclaimed"


def _label(manager: CaseManagerAssignment | None) -> str | None:
    return manager.label if manager is not None else None


def _current_managers(ids: list[int]) -> dict[int, CaseManagerAssignment]:
    if not ids:
        return {}
    latest = (select(func.max(CaseManagerAssignment.id))
              .where(CaseManagerAssignment.referral_id.in_(ids))
              .group_by(CaseManagerAssignment.referral_id))
    rows = db.session().scalars(select(CaseManagerAssignment).where(
        CaseManagerAssignment.id.in_(latest)))
    return {row.referral_id: row for row in rows}


def _last_attempts(ids: list[int]) -> dict[int, ContactAttempt]:
    """Each referral's latest attempt (by its date, then the order recorded)."""
    if not ids:
        return {}
    found: dict[int, ContactAttempt] = {}
    for attempt in db.session().scalars(select(ContactAttempt).options(
            lazyload(ContactAttempt.recorded_by)).where(ContactAttempt.referral_id.in_(ids))
            .order_by(ContactAttempt.attempted_on, ContactAttempt.id)):
        found[attempt.referral_id] = attempt  # the last one read is the latest
    return found


def _last_asked(ids: list[int]) -> dict[int, datetime]:
    if not ids:
        return {}
    rows = db.session().execute(select(InformationRequest.referral_id,
                                       func.max(InformationRequest.asked_at))
                                .where(InformationRequest.referral_id.in_(ids))
                                .group_by(InformationRequest.referral_id))
    return dict(rows.all())

"""What needs the signed-in user, for the top of their home page.

Partners see only their referrals (``visible_to``: a referrer's own, a partner administrator's
organization's), and of each only its reference and status: what disclosure lets a partner see
even after the person's consent has ended. Program staff see the program's referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import String, and_, cast, exists, select

from portal import db
from portal.accounts.access import PARTNERS, STAFF
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.referrals.models import InformationRequest, Referral, ReferralEvent
from portal.referrals.queries import visible_to
from portal.referrals.states import Status
from portal.review.queries import QUEUE_STATUSES, Deadline
from portal.web.dates import date_time, long_date

DECISIONS = (Status.ACCEPTED, Status.DECLINED)
FIRST_LOOK = timedelta(days=30)  # before a user's first look: the decisions of the last 30 days
DEADLINE_DAYS = 7
LIMIT = 50  # per section: the queue and the referrals list hold the rest


@dataclass(frozen=True)
class Item:
    reference: str
    status: str
    href: str
    when: str = ""  # of the decision, the reply or the deadline, in the pages' words
    note: str = ""  # "3 days left", "Overdue by 1 day"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    empty: str  # said in words when there is nothing
    items: list[Item]


def needs_you(user: User, today: date | None = None) -> list[Section]:
    """The sections for this user's role; none for a role without any."""
    today = today or date.today()
    if user.role in PARTNERS:
        return [_questions(user), _decisions(user, user.home_seen_at or db.utcnow() - FIRST_LOOK)]
    if user.role in STAFF:
        return [_held(user), _replies(user), _deadlines(today)]
    return []


def _partner_link(referral_id: int) -> str:
    return url_for("referrals.show", referral_id=referral_id)


def _staff_link(referral_id: int) -> str:
    return url_for("review.referral", referral_id=referral_id)


def _questions(user: User) -> Section:
    found = db.session().execute(
        visible_to(user).with_only_columns(Referral.id, Referral.reference, Referral.status)
        .where(Referral.status == Status.NEEDS_INFORMATION)
        .order_by(Referral.updated_at, Referral.id).limit(LIMIT)).all()
    return Section("questions", "Questions waiting for your answer",
                   "No question from the program is waiting for your answer.",
                   [Item(r.reference, r.status.label, _partner_link(r.id) + "#question-heading")
                    for r in found])


def _decisions(user: User, since: datetime) -> Section:
    """Accepted or declined after ``since``: the transition's own time, not the referral's."""
    found = db.session().execute(
        visible_to(user).with_only_columns(Referral.id, Referral.reference, Referral.status,
                                           ReferralEvent.at)
        .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        .where(ReferralEvent.to_status.in_(DECISIONS), ReferralEvent.at > since)
        .order_by(ReferralEvent.at.desc(), ReferralEvent.id.desc()).limit(LIMIT)).all()
    return Section("decisions", "Decisions since you last looked",
                   "No decision since you last looked.",
                   [Item(r.reference, r.status.label, _partner_link(r.id), date_time(r.at)) for r in found])


def _held(user: User) -> Section:
    found = db.session().execute(
        select(Referral.id, Referral.reference, Referral.status, Referral.claimed_at)
        .where(Referral.claimed_by_id == user.id)
        .order_by(Referral.claimed_at, Referral.id).limit(LIMIT)).all()
    return Section("held", "Referrals you hold", "You hold no referral.",
                   [Item(r.reference, r.status.label, _staff_link(r.id), date_time(r.claimed_at))
                    for r in found])


def _replies(user: User) -> Section:
    """Answered by the partner (back in review) and not opened by this coordinator since: the
    review page records each view in the audit log."""
    opened = exists().where(
        AuditEvent.action == "referral.viewed", AuditEvent.user_id == user.id,
        AuditEvent.object_type == Referral.__tablename__,
        AuditEvent.object_id == cast(Referral.id, String), AuditEvent.at > InformationRequest.answered_at)
    found = db.session().execute(
        select(Referral.id, Referral.reference, Referral.status, InformationRequest.answered_at)
        .join(InformationRequest, and_(InformationRequest.referral_id == Referral.id,
                                       InformationRequest.answered_at.is_not(None)))
        .where(Referral.claimed_by_id == user.id, Referral.status == Status.IN_REVIEW, ~opened)
        .order_by(InformationRequest.answered_at, Referral.id).limit(LIMIT)).all()
    unique = {r.id: r for r in found}.values()  # the latest answer of each (rounds of questions)
    return Section("replies", "Partner replies waiting", "No partner reply is waiting for you.",
                   [Item(r.reference, r.status.label, _staff_link(r.id), date_time(r.answered_at))
                    for r in unique])


def _deadlines(today: date) -> Section:
    found = db.session().execute(
        select(Referral.id, Referral.reference, Referral.status, Referral.intake_deadline)
        .where(Referral.status.in_(QUEUE_STATUSES),
               Referral.intake_deadline <= today + timedelta(days=DEADLINE_DAYS))
        .order_by(Referral.intake_deadline, Referral.id).limit(LIMIT)).all()
    return Section("deadlines", "Intake deadlines this week",
                   f"No intake deadline in the next {DEADLINE_DAYS} days.",
                   [Item(r.reference, r.status.label, _staff_link(r.id), long_date(r.intake_deadline),
                         Deadline.of(r.intake_deadline, today).words) for r in found])

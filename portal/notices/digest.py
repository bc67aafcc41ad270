"""The coordinators' weekday digest (`lead-portal digest`, from cron or the delivery loop).

Each coordinator who wants it gets one email a weekday: the open referrals nobody has claimed
for more than the ruleset's ``digest.unclaimed_after_days``, the intake deadlines due within
``digest.deadlines_within_days``, and, for those who chose to get new referrals in the digest,
the ones that arrived since their last digest. References and links only. A row per coordinator
and day (unique) makes a second run that day, or a run from two hosts at once, send nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Index, func, select
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.accounts.models import Role, User
from portal.eligibility.ruleset import Ruleset
from portal.notices.kinds import IN_DIGEST, NOTICES, ON
from portal.notifications.models import DigestSent
from portal.notices.notices import STAFF_PAGE
from portal.notices.operations import choices_of
from portal.notifications.outbox import link_to, queue_email
from portal.referrals.models import Referral
from portal.referrals.states import OPEN, Status

LISTED = 25  # the rest are counted, and the queue holds them all

# The open referrals by submission, a few thousand among a million: the oldest unclaimed ones
# and the new ones are read from it. Without it PostgreSQL walked the reporting index from the
# oldest referral (closed ones first) to find 25 open ones.
OPEN_INDEX = Index("ix_referrals_open_submitted", Referral.__table__.c.submitted_at,
                   postgresql_where=Referral.__table__.c.status.in_(sorted(OPEN)),
                   sqlite_where=Referral.__table__.c.status.in_(sorted(OPEN)))


@dataclass
class Section:
    rows: list  # (reference, link, date or None)
    total: int


def send_digests(ruleset: Ruleset, today: date, now: datetime) -> int:
    """Queue today's digests; returns how many. Nothing on Saturdays and Sundays."""
    if today.weekday() >= 5:
        return 0
    coordinators = list(db.session().scalars(select(User).where(
        User.role == Role.COORDINATOR, User.disabled_at.is_(None),
        User.password_hash.is_not(None)).order_by(User.id)))
    wants = choices_of(coordinators, "digest")
    new_in_digest = choices_of(coordinators, "new_referral")
    unclaimed = _unclaimed(now - timedelta(days=ruleset.digest.unclaimed_after_days))
    deadlines = _deadlines(today, today + timedelta(days=ruleset.digest.deadlines_within_days))
    sent = 0
    for user in coordinators:
        with_new = new_in_digest.get(user.id) == IN_DIGEST
        if (wants.get(user.id) == ON or with_new) and _first_today(user, today):
            new = _new_since(_previous(user, today, now)) if with_new else None
            if unclaimed.total or deadlines.total or (new and new.total):
                context = {"day": today.strftime("%A %-d %B"), "unclaimed": unclaimed,
                           "deadlines": deadlines, "new": new, "ruleset": ruleset,
                           "queue": link_to("review.queue")}
                queue_email("digest", user.email, user_id=user.id,
                            subject=NOTICES["digest"].subject.format(**context), **context)
                sent += 1
    return sent


def _first_today(user: User, today: date) -> bool:
    """Claim today's digest for this user; False if another run already has."""
    try:
        with db.session().begin_nested():
            db.session().add(DigestSent(user_id=user.id, digest_on=today))
    except IntegrityError:
        return False
    return True


def _previous(user: User, today: date, now: datetime) -> datetime:
    last = db.session().scalar(select(func.max(DigestSent.created_at)).where(
        DigestSent.user_id == user.id, DigestSent.digest_on < today))
    return last or now - timedelta(days=1)


def _section(query, total_query, when) -> Section:
    rows = [(r.reference, link_to(STAFF_PAGE, referral_id=r.id), when(r))
            for r in db.session().execute(query.limit(LISTED))]
    return Section(rows, db.session().scalar(total_query))


def _unclaimed(before: datetime) -> Section:
    where = (Referral.status.in_(OPEN), Referral.claimed_by_id.is_(None),
             Referral.submitted_at < before)
    return _section(select(Referral.id, Referral.reference, Referral.submitted_at).where(*where)
                    .order_by(Referral.submitted_at), select(func.count()).where(*where),
                    lambda r: r.submitted_at.date())


def _deadlines(start: date, end: date) -> Section:
    where = (Referral.status == Status.ACCEPTED, Referral.intake_deadline >= start,
             Referral.intake_deadline <= end)
    return _section(select(Referral.id, Referral.reference, Referral.intake_deadline).where(*where)
                    .order_by(Referral.intake_deadline, Referral.id),
                    select(func.count()).where(*where), lambda r: r.intake_deadline)


def _new_since(since: datetime) -> Section:
    where = (Referral.status.in_(OPEN), Referral.submitted_at >= since)
    return _section(select(Referral.id, Referral.reference, Referral.submitted_at).where(*where)
                    .order_by(Referral.submitted_at), select(func.count()).where(*where),
                    lambda r: r.submitted_at.date())

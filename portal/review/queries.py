"""The queue's reads. Only open referrals are read unless a closed status is chosen or a search
typed, so the queue's cost does not grow with closed history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Date, Integer, Select, String, cast, exists, func, literal, literal_column, select, tuple_, union,
    union_all,
)
from sqlalchemy.orm import aliased

from portal import db
from portal.accounts.access import may
from portal.accounts.models import PARTNER_KINDS, Organisation, User
from portal.audit.models import AuditEvent
from portal.consent import operations as consent
from portal.consent.models import Consent
from portal.db import UTCDateTime
from portal.referrals.models import DeadlineExtension, Referral, ReviewNote
from portal.referrals.states import Status
from portal.review import search
from portal.review.models import DuplicatePair

PAGE_SIZE = 50
# In the queue: waiting for review, under review, waiting for the partner, and accepted
# referrals whose intake is still to come (their deadline must not pass unnoticed).
QUEUE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFORMATION, Status.ACCEPTED)
CLOSED_STATUSES = (Status.INTAKE_COMPLETED, Status.INTAKE_MISSED, Status.DECLINED,
                   Status.WITHDRAWN)
LISTED_STATUSES = QUEUE_STATUSES + CLOSED_STATUSES  # every status but draft
CLAIMABLE = (Status.SUBMITTED, Status.IN_REVIEW)
NO_DEADLINE = date(9999, 12, 31)
# The statuses whose intake deadline still runs.
RUNNING = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFORMATION,
                     Status.ACCEPTED})
# Nearest deadline first, then the oldest: the intake deadline (arrest diversion), else the
# response target (social contact), so that neither route waits behind all of the other; a
# referral with neither comes after those with one.
DUE = func.coalesce(Referral.intake_deadline, Referral.respond_by, literal(NO_DEADLINE))
QUEUE_ORDER = (DUE, Referral.submitted_at, Referral.id)


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    route: str = ""
    screening: str = ""
    partner: int | None = None
    claimed: str = ""  # "", "me" or "unclaimed"
    overdue: bool = False
    q: str = ""  # a search (portal/review/search.py): over every status


@dataclass(frozen=True)
class Cursor:
    due: date
    submitted_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.due.isoformat()}_{self.submitted_at.isoformat()}_{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        try:
            due, submitted, ident = (text or "").split("_")
            return cls(date.fromisoformat(due), datetime.fromisoformat(submitted), int(ident))
        except ValueError:
            return None


CLAIMED_BY = aliased(User, name="claimed_by")
# What a queue row shows and what paging and the duplicate flag read: plain rows, not entities
# (no answers, no referrer, no identity map), the partner's and the holder's names joined in.
LISTED_COLUMNS = (Referral.id, Referral.reference, Referral.legal_name, Referral.route,
                  Referral.status, Referral.screening_decision, Referral.submitted_at,
                  Referral.intake_deadline, Referral.intake_completed_on, Referral.respond_by,
                  Organisation.name.label("partner"), CLAIMED_BY.name.label("claimed_by"),
                  # Kept at submission and correction (portal/review/duplicates.py).
                  exists().where(DuplicatePair.referral_id == Referral.id)
                  .label("possible_duplicate"),
                  *consent.flag_columns())


def _listed(statuses: tuple[Status, ...]) -> Select:
    return (select(*LISTED_COLUMNS)
            .join(Organisation, Organisation.id == Referral.organisation_id)
            .outerjoin(CLAIMED_BY, CLAIMED_BY.id == Referral.claimed_by_id)
            .outerjoin(Consent, Consent.referral_id == Referral.id)
            .where(Referral.status.in_(statuses)))


def _filtered(user: User, criteria: QueueFilter, today: date) -> Select:
    if criteria.status in {s.value for s in LISTED_STATUSES}:
        query = _listed((Status(criteria.status),))
    else:
        query = _listed(LISTED_STATUSES if criteria.q else QUEUE_STATUSES)
    if criteria.route:
        query = query.where(Referral.route == criteria.route)
    if criteria.screening:
        query = query.where(Referral.screening_decision == criteria.screening)
    if criteria.partner:
        query = query.where(Referral.organisation_id == criteria.partner)
    if criteria.claimed == "me":
        query = query.where(Referral.claimed_by_id == user.id)
    elif criteria.claimed == "unclaimed":
        query = query.where(Referral.claimed_by_id.is_(None))
    if criteria.overdue:
        query = query.where(Referral.intake_deadline < today)
    return query


def queue_statement(user: User, criteria: QueueFilter, today: date, after: Cursor | None = None,
                    limit: int = PAGE_SIZE, meanings: list | None = None) -> Select:
    """One page of the queue, by keyset: the rows after ``after`` in queue order (no OFFSET).
    A search is one page per meaning of the query (portal/review/search.py), each read by its
    own index and cut to a page, then joined by UNION and cut again: a name found in thousands
    of rows is sorted where it is read, and no row is read twice."""
    query = _filtered(user, criteria, today)
    if after is not None:
        # Typed as the columns: an aware datetime left to itself is bound as TIMESTAMP WITH TIME
        # ZONE, which PostgreSQL compares after reading submitted_at in the session's time zone.
        cursor = tuple_(after.due, after.submitted_at, after.id,
                        types=[Date(), UTCDateTime(), Integer()])
        query = query.where(tuple_(*QUEUE_ORDER) > cursor)
    if not criteria.q:
        return query.order_by(*QUEUE_ORDER).limit(limit)
    pages = [select(query.where(meaning).order_by(*QUEUE_ORDER).limit(limit).subquery())
             for meaning in meanings or search.conditions(criteria.q)]
    found = union(*pages).subquery()
    due = func.coalesce(found.c.intake_deadline, found.c.respond_by, literal(NO_DEADLINE))
    return select(found).order_by(due, found.c.submitted_at, found.c.id).limit(limit)


def queue(user: User, criteria: QueueFilter, today: date, after: Cursor | None = None,
          limit: int = PAGE_SIZE) -> list:
    found = db.session().execute(queue_statement(user, criteria, today, after, limit)).all()
    close = None if found or not criteria.q else search.close_spellings(criteria.q)
    if close is None:
        return found
    # Nothing found as typed: a second read for names spelt close to it (PostgreSQL only).
    return db.session().execute(
        queue_statement(user, criteria, today, after, limit, meanings=[close])).all()


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class Deadline:
    """How the intake deadline stands on ``today``, in the words the pages use."""

    due: date
    days_left: int  # below zero once it has passed

    SOON = 3  # days: a deadline this close is flagged for the eye

    @classmethod
    def of(cls, due: date | None, today: date) -> Deadline | None:
        return cls(due, (due - today).days) if due else None

    @classmethod
    def running(cls, referral: Referral, today: date) -> Deadline | None:
        """The deadline while it runs (sent or accepted, intake to come); None once the
        referral is closed, whose deadline is no longer anyone's to meet."""
        return cls.of(referral.intake_deadline if referral.status in RUNNING else None, today)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def due_today(self) -> bool:
        return self.days_left == 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= self.SOON

    @property
    def words(self) -> str:
        """"Overdue by 2 days", "Due today" or "3 days left"."""
        if self.overdue:
            return f"Overdue by {days(-self.days_left)}"
        return "Due today" if self.days_left == 0 else f"{days(self.days_left)} left"


def cursor_after(referral) -> Cursor:
    """``referral``: a Referral or a row of the queue."""
    return Cursor(referral.intake_deadline or referral.respond_by or NO_DEADLINE,
                  referral.submitted_at, referral.id)


def consent_flags(rows, today: date) -> dict:
    """The flags of the rows' consents, from the columns read with them."""
    return {row.id: flag for row in rows if (flag := consent.flag_from(row, today))}


def counts_and_partners() -> tuple[dict[Status, int], list]:
    """The open referrals counted by status, and each partner organization's id and name by
    name: what the queue shows beside every page of rows, in one read (UNION ALL)."""
    counted = (select(literal(None, Integer).label("id"), cast(Referral.status, String(30))
                      .label("name"), func.count().label("n"))
               .where(Referral.status.in_(QUEUE_STATUSES)).group_by(Referral.status))
    listed = select(Organisation.id, Organisation.name, literal(None, Integer)).where(
        Organisation.kind.in_(PARTNER_KINDS))
    rows = db.session().execute(union_all(counted, listed).order_by(literal_column("name"))).all()
    found = {Status(row.name): row.n for row in rows if row.id is None}
    return ({status: found.get(status, 0) for status in QUEUE_STATUSES},
            [row for row in rows if row.id is not None])


def next_claimable() -> Select:
    query = (select(Referral)
             .where(Referral.status.in_(CLAIMABLE), Referral.claimed_by_id.is_(None))
             .order_by(*QUEUE_ORDER).limit(1))
    if db.session().get_bind().dialect.name == "postgresql":
        # Two coordinators pressing "claim next" at once: the second skips the first's row.
        query = query.with_for_update(skip_locked=True, of=Referral)
    return query


def coordinators() -> list[User]:
    return list(db.session().scalars(select(User).where(
        User.role.in_(may("review")), User.disabled_at.is_(None),
        User.password_hash.is_not(None)).order_by(User.name)))


def notes(referral: Referral) -> list[ReviewNote]:
    return list(db.session().scalars(select(ReviewNote).where(ReviewNote.referral_id == referral.id)
                                     .order_by(ReviewNote.id)))


# Who held the referral, from the audit log: shown in the history beside the transitions.
HOLDS = {"referral.claimed": "Claimed", "referral.released": "Released to the queue",
         "referral.reassigned": "Reassigned"}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    actor: User | None
    reason: str | None = None  # program staff only
    partner_message: str | None = None  # what the referring partner read (or wrote)


def history(referral: Referral) -> list[HistoryEntry]:
    """The transitions, and the claims, releases and reassignments, oldest first."""
    entries = [HistoryEntry(e.at, f"{e.from_status.label} → {e.to_status.label}", e.actor,
                            e.reason, e.partner_message) for e in referral.events]
    holds = db.session().scalars(select(AuditEvent).where(
        AuditEvent.object_type == Referral.__tablename__,
        AuditEvent.object_id == str(referral.id), AuditEvent.action.in_(HOLDS))
        .order_by(AuditEvent.id)).all()
    people = {u.id: u for u in db.session().scalars(select(User).where(User.id.in_(
        {h.user_id for h in holds} | {h.detail.get("to") for h in holds if h.detail})))}
    for hold in holds:
        what = HOLDS[hold.action]
        if hold.detail and hold.detail.get("to") in people:
            what += f" to {people[hold.detail['to']].name}"
        entries.append(HistoryEntry(hold.at, what, people.get(hold.user_id)))
    return sorted(entries, key=lambda entry: entry.at)


def extensions(referral: Referral) -> list[DeadlineExtension]:
    """The referral's deadline extensions, oldest first (program staff only: their reasons)."""
    return list(db.session().scalars(select(DeadlineExtension).where(
        DeadlineExtension.referral_id == referral.id).order_by(DeadlineExtension.id)))

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo, UTC

from sqlalchemy import Select, select, tuple_

from portal import db
from portal.web import emails
from portal.accounts.models import User
from portal.audit.models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    email: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None
    # The zone whose days since and until name (the program's, as the pages show times).
    zone: tzinfo = UTC


def events(criteria: AuditFilter, *, before: tuple[datetime, int] | None = None,
           limit: int = PAGE_SIZE) -> list[tuple[AuditEvent, User | None]]:
    """Newest first, paginated by keyset on (at, id): the page after ``before``."""
    query = _filtered(criteria)
    if before is not None:
        query = query.where(tuple_(AuditEvent.at, AuditEvent.id) < before)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(db.session().execute(query))


def _filtered(criteria: AuditFilter) -> Select:
    query = select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.user_id)
    if criteria.action:
        query = query.where(AuditEvent.action.startswith(criteria.action, autoescape=True))
    if criteria.email:
        query = query.where(User.email == emails.normalise(criteria.email))
    if criteria.outcome:
        query = query.where(AuditEvent.outcome == criteria.outcome)
    if criteria.since:
        start = datetime.combine(criteria.since, time(), criteria.zone).astimezone(UTC)
        query = query.where(AuditEvent.at >= start)
    if criteria.until:
        end = datetime.combine(criteria.until + timedelta(days=1), time(), criteria.zone)
        end = end.astimezone(UTC)
        query = query.where(AuditEvent.at < end)
    return query


def all_events(criteria: AuditFilter, batch: int = 1000):
    """Every matching event, newest first, fetched in keyset batches (for export)."""
    before = None
    while True:
        rows = events(criteria, before=before, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1][0]
        before = (last.at, last.id)

"""Reading the database in tests, as it is now (the app wrote through its own session)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.audit.models import AuditEvent


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def audit_rows(session, *actions: str, **where) -> list[AuditEvent]:
    """The audit rows of any of ``actions`` (and ``where`` columns), oldest first."""
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action.in_(actions))
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return list(session.scalars(query.order_by(AuditEvent.id)))

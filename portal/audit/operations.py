from __future__ import annotations

from flask import has_request_context, request

from portal import db
from portal.audit.models import AuditEvent

OUTCOMES = {"success", "failure", "refused"}


def record(action: str, *, actor=None, subject=None, outcome: str = "success",
           organisation_id: int | None = None, detail: dict | None = None) -> AuditEvent:
    """Write one audit row in the current transaction.

    ``actor`` is the user acting (None for an anonymous visitor or the system); ``subject`` is the
    object acted on: anything with ``id`` and ``__tablename__``, or a ``(type, id)`` pair.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    object_type, object_id = _describe(subject)
    event = AuditEvent(
        user_id=getattr(actor, "id", None),
        organisation_id=organisation_id or getattr(actor, "organisation_id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        source_address=request.remote_addr if has_request_context() else None,
        detail=detail or {},
    )
    db.session().add(event)
    return event


def _describe(subject) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, ident = subject
        return kind, str(ident)
    db.session().flush()
    return subject.__tablename__, str(subject.id)


def record_refusal(action: str, *, actor=None, subject=None, detail: dict | None = None) -> None:
    """Write a refused access, and nothing else the refused request did.

    The refused request's work is rolled back first; the refusal itself is committed at once,
    because the error response that follows rolls back whatever is left.
    """
    db_session = db.session()
    db_session.rollback()
    record(action, actor=actor, subject=subject, outcome="refused", detail=detail)
    db_session.commit()

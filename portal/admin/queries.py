"""Reads, always narrowed to what the asking administrator may see."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import db
from portal.accounts.models import Organisation, Role, User
from portal.public.models import AccessRequest, RequestStatus


def organisation_for(actor: User, organisation_id: int) -> Organisation | None:
    if actor.role is Role.PROGRAM_ADMIN:
        return db.session().get(Organisation, organisation_id)
    if actor.role is Role.PARTNER_ADMIN and actor.organisation_id == organisation_id:
        return actor.organisation
    return None


def user_for(actor: User, user_id: int) -> User | None:
    user = db.session().get(User, user_id)
    if user is None or organisation_for(actor, user.organisation_id) is None:
        return None
    return user


def organisations_with_counts() -> list[tuple[Organisation, int]]:
    counts = (select(User.organisation_id, func.count(User.id).label("n"))
              .group_by(User.organisation_id).subquery())
    rows = db.session().execute(
        select(Organisation, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.kind, Organisation.name))
    return list(rows)


def pending_access_requests() -> list[AccessRequest]:
    return list(db.session().scalars(
        select(AccessRequest).where(AccessRequest.status == RequestStatus.PENDING)
        .order_by(AccessRequest.created_at)))


def decided_access_requests(limit: int = 20) -> list[AccessRequest]:
    return list(db.session().scalars(
        select(AccessRequest).where(AccessRequest.status != RequestStatus.PENDING)
        .order_by(AccessRequest.decided_at.desc()).limit(limit)))

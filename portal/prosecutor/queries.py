"""Reads for the prosecutor's office, always narrowed to its linked agencies' arrest diversions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from portal import db
from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.prosecutor.models import ProsecutorAgency, ProsecutorUpdate
from portal.referrals.answers import ARREST
from portal.referrals.models import Referral

PAGE_SIZE = 50
# What a row is made of (fields.row_of), and what disclosure.audience_of asks of a referral.
CASE_COLUMNS = (Referral.id, Referral.reference, Referral.route, Referral.referrer_id,
                Referral.organisation_id, Referral.intake_deadline, Referral.answers)


@dataclass(frozen=True)
class Criteria:
    change: str = ""  # one of fields.CHANGES, or every one
    before: tuple[datetime, int] | None = None  # keyset: the last row of the previous page


def agencies_of(office_id: int) -> list[Organisation]:
    return list(db.session().scalars(
        select(Organisation).join(ProsecutorAgency, ProsecutorAgency.agency_id == Organisation.id)
        .where(ProsecutorAgency.prosecutor_id == office_id).order_by(Organisation.name)))


def police_agencies() -> list[Organisation]:
    return list(db.session().scalars(
        select(Organisation).where(Organisation.kind == OrgKind.LAW_ENFORCEMENT)
        .order_by(Organisation.name)))


def offices_serving(agency_id: int) -> list[User]:
    """The active, enrolled staff of every prosecutor's office linked to the agency."""
    return list(db.session().scalars(
        select(User).join(ProsecutorAgency, ProsecutorAgency.prosecutor_id == User.organisation_id)
        .where(ProsecutorAgency.agency_id == agency_id, User.role == Role.PROSECUTOR,
               User.disabled_at.is_(None), User.password_hash.is_not(None),
               User.totp_secret.is_not(None))
        .order_by(User.id)))


def _visible_to(user: User) -> Select:
    linked = select(ProsecutorAgency.agency_id).where(
        ProsecutorAgency.prosecutor_id == user.organisation_id)
    # Columns, not the Referral (a CSV of tens of thousands builds no objects), read from
    # prosecutor_updates' indexes: newest change first without a scan of every referral.
    query = (select(*CASE_COLUMNS, Organisation.name.label("agency"), ProsecutorUpdate.change,
                    ProsecutorUpdate.changed_at)
             .select_from(ProsecutorUpdate)
             .join(Referral, Referral.id == ProsecutorUpdate.referral_id)
             .join(Organisation, Organisation.id == ProsecutorUpdate.agency_id)
             .where(Referral.route == ARREST))
    if user.role is not Role.PROSECUTOR:
        return query.where(False)
    return query.where(ProsecutorUpdate.agency_id.in_(linked))


def updates(user: User, criteria: Criteria, limit: int | None) -> list:
    """Newest change first; ``limit`` None: every row (the CSV)."""
    query = _visible_to(user)
    if criteria.change:
        query = query.where(ProsecutorUpdate.change == criteria.change)
    if criteria.before is not None:
        at, ident = criteria.before
        query = query.where(or_(ProsecutorUpdate.changed_at < at,
                                (ProsecutorUpdate.changed_at == at)
                                & (ProsecutorUpdate.referral_id < ident)))
    query = query.order_by(ProsecutorUpdate.changed_at.desc(), ProsecutorUpdate.referral_id.desc())
    return list(db.session().execute(query if limit is None else query.limit(limit)))


def update_for(user: User, referral_id: int):
    return db.session().execute(_visible_to(user).where(Referral.id == referral_id)).first()

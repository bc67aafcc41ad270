"""What the prosecutor's office is told, and which agencies it serves.

The listeners run in the transaction of the change (portal/events.py): the office's row and its
notices are committed, or rolled back, with it. A notice holds the reference number and a link to
the office's list, never a name, date of birth or charge: the reader signs in for those.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from portal import audit, db, events
from portal.accounts.models import Organisation, OrgKind, User
from portal.errors import Refused
from portal.notices.kinds import NOTICES, OFF
from portal.notices.operations import choices_of
from portal.notifications.outbox import link_to, queue_email
from portal.prosecutor.fields import CHANGES, DEADLINE_EXTENDED
from portal.prosecutor.models import ProsecutorAgency, ProsecutorUpdate
from portal.prosecutor.queries import offices_serving
from portal.referrals.answers import ARREST

NOTICE = "prosecutor_update"


@events.on("referral.status_changed")
def status_changed(referral, actor=None, source=None, target=None, **_) -> None:
    if target is not None and target.value in CHANGES:
        _tell_offices(referral, target.value)


@events.on("referral.deadline_extended")
def deadline_extended(referral, actor=None, **_) -> None:
    """Emitted by the deadline extension (issue 11, item 5); the list shows the new deadline."""
    _tell_offices(referral, DEADLINE_EXTENDED)


def _tell_offices(referral, change: str) -> None:
    if referral.route != ARREST:
        return  # a social contact referral holds no charges: the office has no part in it
    _record(referral, change)
    people = offices_serving(referral.organisation_id)
    chosen = choices_of(people, NOTICE)  # required today (kinds.py); a choice, if it becomes one
    people = [user for user in people if chosen.get(user.id) not in (None, OFF)]
    context = {"reference": referral.reference, "link": link_to("prosecutor.referrals")}
    subject = NOTICES[NOTICE].subject.format(**context)
    for user in people:
        queue_email(NOTICE, user.email, user_id=user.id, subject=subject, **context)


def _record(referral, change: str) -> None:
    session = db.session()
    update = session.get(ProsecutorUpdate, referral.id)
    if update is None:
        update = ProsecutorUpdate(referral_id=referral.id, agency_id=referral.organisation_id)
        session.add(update)
    update.change, update.changed_at = change, db.utcnow()
    session.flush()


def link_agencies(actor: User, office: Organisation, agency_ids: set[int]) -> None:
    """Program administrators: the office now serves exactly these police agencies (audited)."""
    if office.kind is not OrgKind.PROSECUTOR:
        raise Refused("Only a prosecutor's office is linked to police agencies", "agencies")
    session = db.session()
    police = set(session.scalars(select(Organisation.id).where(
        Organisation.id.in_(agency_ids), Organisation.kind == OrgKind.LAW_ENFORCEMENT)))
    if police != agency_ids:
        raise Refused("Choose police agencies from the list", "agencies")
    before = set(session.scalars(select(ProsecutorAgency.agency_id).where(
        ProsecutorAgency.prosecutor_id == office.id)))
    session.execute(delete(ProsecutorAgency).where(
        ProsecutorAgency.prosecutor_id == office.id,
        ProsecutorAgency.agency_id.in_(before - agency_ids)))
    session.add_all(ProsecutorAgency(prosecutor_id=office.id, agency_id=agency)
                    for agency in sorted(agency_ids - before))
    audit.record("prosecutor.agencies_linked", actor=actor, subject=office,
                 detail={"added": sorted(agency_ids - before),
                         "removed": sorted(before - agency_ids)})
    session.flush()

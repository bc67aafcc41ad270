"""One function per event: who is told, in the transaction of the change that caused it.

Each listens to what the referral's verbs emit (portal/events.py), so that referrals, consent and
review, below this package, need not know who is told.

Each takes the referral (and the actor) and reads only its columns ``id``, ``reference``,
``status``, ``referrer_id``, ``organisation_id`` and ``claimed_by_id``, never its answers: a notice
holds the reference number and a link, never a name, date of birth, charge or health detail.
Who gets which notice, and what each role may choose, is in ``kinds.py``.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from portal import db, events
from portal.accounts.models import Role, User
from portal.consent.models import ConsentStatus
from portal.notices.kinds import AT_ONCE, NOTICES, OFF
from portal.notices.operations import choices_of
from portal.notifications.outbox import link_to, queue_email
from portal.referrals.models import Referral
from portal.referrals.states import Status

PARTNER_PAGE, STAFF_PAGE = "referrals.show", "review.referral"


@events.on("referral.submitted")
def referral_submitted(referral, actor=None, **_) -> None:
    """New referral: each coordinator who chose "at once" (the others get it in the digest)."""
    coordinators = _active(User.role == Role.COORDINATOR)
    choices = choices_of(coordinators, "new_referral")
    _tell([u for u in coordinators if choices.get(u.id) == AT_ONCE], "new_referral", referral,
          STAFF_PAGE)


@events.on("referral.information_requested")
def information_requested(referral, actor=None, **_) -> None:
    _tell_partners("information_requested", referral)


@events.on("referral.decided")
def decision_made(referral, actor=None, **_) -> None:
    """Accepted or declined: the partner reads the reason on the referral's page."""
    _tell_partners("decision_made", referral,
                   decision="accepted" if referral.status is Status.ACCEPTED else "declined")


@events.on("referral.withdrawn")
def withdrawal_acknowledged(referral, actor=None, **_) -> None:
    _tell_partners("withdrawal_acknowledged", referral)


@events.on("consent.revocation_recorded")
def revocation_recorded(consent, actor=None, **_) -> None:
    """The partner is told it is recorded; a pending one also goes to the coordinator holding
    the referral (or, while nobody holds it, every coordinator), who must act on its day.
    Takes the consent (the revocation's operation has it, not the referral)."""
    referral = db.session().execute(
        select(Referral.id, Referral.reference, Referral.referrer_id, Referral.organisation_id,
               Referral.claimed_by_id).where(Referral.id == consent.referral_id)).one()
    pending = consent.status is ConsentStatus.REVOCATION_PENDING
    _tell_partners("revocation_recorded", referral, pending=pending)
    if pending:
        _tell(_holders(referral, actor), "revocation_pending", referral, STAFF_PAGE)


@events.on("referral.partner_replied")
def partner_replied(referral, actor=None, **_) -> None:
    _tell(_holders(referral, actor), "partner_replied", referral, STAFF_PAGE)


# --- Who --------------------------------------------------------------------------------------

def _active(*conditions) -> list[User]:
    return list(db.session().scalars(
        select(User).where(*conditions, User.disabled_at.is_(None),
                           User.password_hash.is_not(None)).order_by(User.id)))


def _holders(referral, actor) -> list[User]:
    if referral.claimed_by_id is not None:
        holders = _active(User.id == referral.claimed_by_id)
        if holders:
            return holders
    return [u for u in _active(User.role == Role.COORDINATOR) if u.id != getattr(actor, "id", None)]


def _tell_partners(notice: str, referral, **context) -> None:
    """The referrer, and those of their organisation's administrators who chose this notice."""
    people = _active(or_(User.id == referral.referrer_id,
                         (User.organisation_id == referral.organisation_id)
                         & (User.role == Role.PARTNER_ADMIN)))
    referrer = [u for u in people if u.id == referral.referrer_id]
    others = [u for u in people if u.id != referral.referrer_id]
    choices = choices_of(referrer, notice, as_role=Role.REFERRER) | choices_of(others, notice)
    wanted = [u for u in people if choices.get(u.id) not in (None, OFF)]
    _tell(wanted, notice, referral, PARTNER_PAGE, **context)


def _tell(users: list[User], notice: str, referral, page: str, **context) -> None:
    context = {"reference": referral.reference, "link": link_to(page, referral_id=referral.id),
               **context}
    subject = NOTICES[notice].subject.format(**context)
    for user in users:
        queue_email(notice, user.email, user_id=user.id, subject=subject, **context)

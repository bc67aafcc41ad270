"""Plain factories: ``make.org``, ``make.user(role=...)``, ``make.referral(route=..., status=...)``.

Each commits to a savepoint of the test. A referral is made by the app's own operations, with no
HTTP: the same rows, events and audit rows as a partner and a coordinator would make through the
pages, walked through the workflow in order (the database's trigger allows nothing else).
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import UTC, date, datetime, timedelta

import pyotp
import time_machine
from flask import current_app
from sqlalchemy.orm import Session

from portal import db
from portal.accounts.models import Organisation, OrgKind, Role, User, roles_for
from portal.consent.texts import default_texts
from portal.referrals import operations as referrals
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review import operations as review
from tests.pages import PASSWORD
from tests.stored_answers import ARREST, stored_answers

_serial = itertools.count(1)
OPEN_HELD = {Status.IN_REVIEW, Status.NEEDS_INFORMATION}  # states with a holder, or none

QUESTION = "What is the person's phone?"
DECLINE = {"reason": "duplicate", "declined_by": "program", "note": "Referred twice."}
OVERRIDE = "Known to outreach; accepted against the screening."
# The workflow's path from submitted to each state, as the coordinator's buttons walk it.
PATHS = {
    Status.SUBMITTED: (), Status.WITHDRAWN: ("withdraw",), Status.IN_REVIEW: ("claim",),
    Status.NEEDS_INFORMATION: ("claim", "ask"), Status.ACCEPTED: ("claim", "accept"),
    Status.DECLINED: ("claim", "decline"),
    Status.INTAKE_COMPLETED: ("claim", "accept", "intake_completed"),
    Status.INTAKE_MISSED: ("claim", "accept", "intake_missed"),
}


class Factory:
    def __init__(self, session: Session, app):
        self.session = session
        self.app = app
        self._coordinator: User | None = None

    def org(self, kind: OrgKind = OrgKind.LAW_ENFORCEMENT, name: str | None = None) -> Organisation:
        organisation = Organisation(name=name or f"{kind.label} {next(_serial)}", kind=kind)
        self.session.add(organisation)
        self.session.commit()
        return organisation

    def user(self, role: Role = Role.REFERRER, organisation: Organisation | None = None, *,
             kind: OrgKind | None = None, email: str | None = None, password: str = PASSWORD,
             enrolled: bool = True, **fields) -> User:
        """A user of ``role``, in ``organisation`` or in a new one of ``kind`` (by default the
        kind the role belongs to: program staff in a program, partners in a police agency)."""
        if organisation is None:
            program = role in roles_for(OrgKind.PROGRAM)
            organisation = self.org(kind or (OrgKind.PROGRAM if program else
                                             OrgKind.LAW_ENFORCEMENT))
        number = next(_serial)
        user = User(organisation=organisation, role=role, email=email or f"user{number}@example.org",
                    name=fields.pop("name", f"Test User {number}"), **fields)
        if enrolled:
            user.password_hash = self.app.extensions["portal.hasher"].hash(password)
            user.totp_secret = pyotp.random_base32()
        self.session.add(user)
        self.session.commit()
        return user

    def referrer(self, route: str = ARREST, organisation: Organisation | None = None,
                 **fields) -> User:
        """A referrer of an organisation that may use ``route`` (police for arrest diversion,
        a community partner for social contact)."""
        return self.user(Role.REFERRER, organisation, kind=_partner_kind(route), **fields)

    def reload(self, instance):
        self.session.refresh(instance)
        return instance

    def referral(self, route: str = ARREST, status: Status = Status.SUBMITTED, *,
                 by: User | None = None, pages: tuple[str, ...] | None = None,
                 answers: dict | None = None, screening: str = "eligible",
                 legal_name: str | None = None, date_of_birth: date | None = None,
                 claimed_by: User | None = None, decider: User | None = None,
                 question: str = QUESTION, partner_note: str | None = None,
                 age_days: int = 0, submitted_at: datetime | None = None,
                 **columns) -> Referral:
        """A referral of ``route`` in ``status``, made as the real flow makes it.

        by: the referrer (a new one of an organisation that may use the route by default).
        pages: a draft's answered pages (slugs; all of them, consent last, by default).
        answers: fields replaced page by page (``{"person": {"phone": ""}}``); ``legal_name``
            and ``date_of_birth`` are short for the person page's. ``screening`` picks
            exclusion answers the engine decides ``eligible``, ``needs_review`` or ``ineligible``.
        claimed_by: who holds a referral in review or waiting for information (nobody by
            default: claimed, then released to the queue).
        decider: who claims, asks and decides (``claimed_by``, or a coordinator of its own).
        age_days / submitted_at: when it was made; everything is dated then (time travel).
        columns: set on the row at the end (``intake_deadline=...``), as a script would.
        """
        by = by or self.referrer(route)
        walker = self._walker(status, claimed_by, decider)
        # The test's objects are read here: read inside the unit of work below, they would open
        # a savepoint of the test's session inside the work's, which the work's commit releases.
        by_id, walker_id = by.id, walker.id if walker else None
        moment = submitted_at or (datetime.now(UTC) - timedelta(days=age_days, minutes=1)
                                  if age_days else None)
        with _travel(moment), db.transaction(self.app) as work:
            today = date.today()
            pages_answers = stored_answers(route, today, screening=screening,
                                           pages=_person(answers, legal_name, date_of_birth))
            referrer = work.get(User, by_id)
            referral = _draft(referrer, route, pages_answers, pages)
            if status is not Status.DRAFT:
                _send(work, referral, status, referrer, walker_id and work.get(User, walker_id),
                      screening=screening, today=today, partner_note=partner_note,
                      released=status in OPEN_HELD and claimed_by is None,
                      question=question)
            for column, value in columns.items():
                setattr(referral, column, value)
            work.flush()
            ident = referral.id
        return self.session.get(Referral, ident, populate_existing=True)

    def _walker(self, status: Status, claimed_by: User | None, decider: User | None):
        """Who moves the referral after submission: the holder of one under review, else the
        decider, else the factory's own coordinator."""
        if not set(PATHS.get(status, ())) - {"withdraw"}:
            return None
        if status in OPEN_HELD and claimed_by:
            return claimed_by
        return decider or claimed_by or self.coordinator()

    def coordinator(self) -> User:
        """The coordinator who moves the factory's referrals when the test names nobody."""
        if self._coordinator is None:
            self._coordinator = self.user(Role.COORDINATOR, name="Factory Coordinator")
        return self._coordinator


INELIGIBLE_NOTE = "Please review: the person asked for help"


def _send(work, referral: Referral, status: Status, referrer: User, coordinator: User, *,
          screening: str, today: date, partner_note: str | None, released: bool,
          question: str) -> None:
    """Submitted by the referrer, then moved by the coordinator along the workflow's path."""
    ruleset = current_app.extensions["portal.ruleset"]
    if screening == "ineligible" and not partner_note:
        partner_note = INELIGIBLE_NOTE  # an ineligible referral is sent only with its reason
    referrals.submit_referral(referrer, referral, ruleset=ruleset, texts=default_texts(),
                              today=today, partner_note=partner_note)
    work.flush()
    assert referral.screening_decision == screening, (
        f"the factory's answers screen {referral.screening_decision}, not {screening}")
    for step in PATHS[status]:
        _STEPS[step](referral, coordinator, referrer=referrer, question=question, today=today)
        work.flush()  # one UPDATE per move: the database's trigger judges each one
    if released:
        review.release(coordinator, referral, referral.version)  # back in the queue, unclaimed
        work.flush()


def _partner_kind(route: str) -> OrgKind:
    return OrgKind.LAW_ENFORCEMENT if route == ARREST else OrgKind.COMMUNITY_PARTNER


def _person(answers: dict | None, legal_name: str | None, date_of_birth: date | None) -> dict:
    pages = {slug: dict(fields) for slug, fields in (answers or {}).items()}
    if legal_name is not None:
        pages.setdefault("person", {})["legal_name"] = legal_name
    if date_of_birth is not None:
        pages.setdefault("person", {})["date_of_birth"] = date_of_birth.isoformat()
    return pages


def _draft(referrer: User, route: str, answers: dict, pages: tuple[str, ...] | None) -> Referral:
    """Started, and each page saved in order, as the partner's Save and continue does."""
    referral = referrals.start_referral(referrer, route, current_app.extensions["portal.ruleset"])
    db.session().flush()
    for slug, page in answers.items():
        if pages is None or slug in pages:
            referrals.save_step(referrer, referral, slug, page)
    db.session().flush()
    return referral


def _withdraw(referral, coordinator, *, referrer, **_):
    referrals.withdraw(referrer, referral, "The person moved away.")


def _claim(referral, coordinator, **_):
    review.claim(coordinator, referral, referral.version)


def _ask(referral, coordinator, *, question, **_):
    review.request_information(coordinator, referral, referral.version, question)


def _accept(referral, coordinator, **_):
    justification = None if referral.screening_decision == "eligible" else OVERRIDE
    review.accept(coordinator, referral, referral.version, justification)


def _decline(referral, coordinator, **_):
    review.decline(coordinator, referral, referral.version, reason=DECLINE["reason"],
                   declined_by=DECLINE["declined_by"], note=DECLINE["note"])


def _intake_completed(referral, coordinator, *, today, **_):
    review.record_intake(coordinator, referral, referral.version, today)


def _intake_missed(referral, coordinator, **_):
    review.record_intake(coordinator, referral, referral.version, None)


_STEPS = {"withdraw": _withdraw, "claim": _claim, "ask": _ask, "accept": _accept,
          "decline": _decline, "intake_completed": _intake_completed,
          "intake_missed": _intake_missed}


def _travel(moment: datetime | None):
    return time_machine.travel(moment, tick=True) if moment else contextlib.nullcontext()

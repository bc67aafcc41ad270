"""Shared by the review tests: coordinators, reading the database, and the coordinator's pages.

Referrals are made by ``make.referral`` (tests/factories.py), browsers by ``signed_in``."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.audit.models import AuditEvent
from portal.referrals.models import (
    InformationRequest, Referral, ReferralEvent, ReferralVersion, ReviewNote,
)
from portal.referrals.states import Status
from tests.pages import Client, Page
from tests.reading import audit_rows, count  # noqa: F401  (re-exported for the tests here)

ARREST, SOCIAL = "arrest_diversion", "social_contact"
TODAY = date.today()
_serial = itertools.count(1)


# --- The columns of each state, for raw UPDATEs (make.referral makes real rows) ----------------

DECIDED = {Status.ACCEPTED, Status.DECLINED, Status.INTAKE_COMPLETED, Status.INTAKE_MISSED}


def columns_for(status: Status, decider: User | None) -> dict:
    """The columns the CHECK constraints ask of a referral in ``status``."""
    extra: dict = {}
    if status in DECIDED:
        extra |= {"decided_by_id": decider.id, "decided_at": datetime.now(UTC)}
    if status is Status.DECLINED:
        extra |= {"decline_reason": "duplicate", "declined_by": "program",
                  "decision_note": "Referred twice."}
    if status is Status.INTAKE_COMPLETED:
        extra["intake_completed_on"] = TODAY
    if status is Status.SUBMITTED:  # what a draft lacks: a raw UPDATE to submitted needs it
        extra |= {"reference": f"RAW-{uuid.uuid4().hex[:8]}", "submitted_at": datetime.now(UTC),
                  "legal_name": "Pat Example", "date_of_birth": date(1985, 4, 2)}
    return extra


# --- Reading the database -------------------------------------------------------------------------

def fresh(session, model, ident):
    session.expire_all()
    return session.get(model, ident)


def events_of(session, referral_id: int) -> list[ReferralEvent]:
    session.expire_all()
    return list(session.scalars(select(ReferralEvent).where(
        ReferralEvent.referral_id == referral_id).order_by(ReferralEvent.id)))


def snapshot(session, referral_id: int) -> dict:
    """Everything a coordinator's action could change about one referral."""
    row = fresh(session, Referral, referral_id)
    columns = {c.key: getattr(row, c.key) for c in Referral.__table__.columns}
    children = {model.__name__: count(session, model, model.referral_id == referral_id)
                for model in (ReferralEvent, ReferralVersion, InformationRequest, ReviewNote)}
    audits = count(session, AuditEvent, AuditEvent.object_type == "referrals",
                   AuditEvent.object_id == str(referral_id), AuditEvent.action != "referral.viewed")
    return {**columns, **children, "audit_rows": audits}


def program_org(session) -> Organisation:
    organisation = Organisation(name=f"LEAD Program {next(_serial)}", kind=OrgKind.PROGRAM)
    session.add(organisation)
    session.commit()
    return organisation


def coordinators(make, session, count: int = 1, role: Role = Role.COORDINATOR) -> list[User]:
    organisation = program_org(session)
    return [make.user(role, organisation, name=f"Coordinator {next(_serial)}")
            for _ in range(count)]


# --- The coordinator's pages ----------------------------------------------------------------------

def review_url(referral_id: int) -> str:
    return f"/review/referrals/{referral_id}"


def action_url(referral_id: int, action: str) -> str:
    return f"/review/referrals/{referral_id}/{action}"


def version_on(page: Page) -> str:
    return page.soup.find("input", attrs={"name": "version"})["value"]


def act(client: Client, referral_id: int, action: str, data: dict | None = None, *,
        page: Page | None = None, status: int | None = None):
    """Press one of the referral page's action buttons, with the version the page showed.

    ``page`` is the referral page as the coordinator loaded it (a stale one, for the 409 tests)."""
    page = page or client.get(review_url(referral_id))
    payload = {"csrf_token": page.csrf_token(), "version": version_on(page), **(data or {})}
    response = client.raw.post(action_url(referral_id, action), data=payload)
    if status is not None:
        assert response.status_code == status, (action, response.status_code, response.location)
    return response


def act_page(client: Client, referral_id: int, action: str, data: dict | None = None,
             **kwargs) -> Page:
    """As ``act``, and read the answer as a page (checking what every page keeps)."""
    page = Page(act(client, referral_id, action, data, **kwargs))
    page.check_invariants()
    return page


def queue_rows(page: Page) -> list[dict[str, str]]:
    """The queue table, one dict per row keyed by the column's label."""
    rows = []
    for tr in page.soup.select("table.portal-queue tbody tr"):
        cells = tr.find_all(["th", "td"])
        if len(cells) == 1:  # "No open referrals match these filters."
            continue
        rows.append({cell["data-label"]: " ".join(cell.get_text(" ").split()) for cell in cells})
    return rows


def references_on(page: Page) -> list[str]:
    return [row["Reference"] for row in queue_rows(page)]


def counts_on(page: Page) -> dict[str, int]:
    found = {}
    for item in page.soup.select("ul.portal-counts li"):
        number, label = re.match(r"(\d+) (.+)", " ".join(item.get_text(" ").split())).groups()
        found[label] = int(number)
    return found

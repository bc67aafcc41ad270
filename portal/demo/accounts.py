from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal import db
from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.prosecutor.models import ProsecutorAgency

PASSWORD = "demo-Lead-portal-2026"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str
    badge_number: str | None = None
    phone: str | None = None

    @property
    def totp_secret(self) -> str:
        # Fixed per account, so the printed table stays true between runs.
        digest = hashlib.sha256(f"lead-demo:{self.email}".encode()).digest()[:20]
        return base64.b32encode(digest).decode()


ORGANISATIONS = {
    "Metro Police Department": OrgKind.LAW_ENFORCEMENT,
    "Harbor Outreach": OrgKind.COMMUNITY_PARTNER,
    "LEAD Program (demo)": OrgKind.PROGRAM,
    "District Attorney's Office": OrgKind.PROSECUTOR,
}
# Which police agencies each demo prosecutor's office serves.
PROSECUTOR_LINKS = {"District Attorney's Office": ("Metro Police Department",)}

ACCOUNTS = (
    DemoAccount("officer@police.demo", "Officer Dana Reyes", Role.REFERRER, "Metro Police Department",
                badge_number="4471", phone="303 555 0101"),
    DemoAccount("sergeant@police.demo", "Sergeant Lee Park", Role.PARTNER_ADMIN,
                "Metro Police Department", badge_number="2210", phone="303 555 0102"),
    DemoAccount("outreach@harbor.demo", "Sam Okafor", Role.REFERRER, "Harbor Outreach",
                phone="303 555 0103"),
    DemoAccount("admin@harbor.demo", "Alex Moreno", Role.PARTNER_ADMIN, "Harbor Outreach",
                phone="303 555 0104"),
    DemoAccount("coordinator@lead.demo", "Casey Nguyen", Role.COORDINATOR, "LEAD Program (demo)",
                phone="303 555 0105"),
    DemoAccount("admin@lead.demo", "Jordan Blake", Role.PROGRAM_ADMIN, "LEAD Program (demo)",
                phone="303 555 0106"),
    DemoAccount("prosecutor@da.demo", "Robin Castillo", Role.PROSECUTOR,
                "District Attorney's Office", phone="303 555 0107"),
)


def load_accounts() -> list[DemoAccount]:
    """Create (or reset) the demo organisations and accounts. Safe to run again."""
    organisations = {name: _organisation(name, kind) for name, kind in ORGANISATIONS.items()}
    hasher = current_app.extensions["portal.hasher"]
    password_hash = hasher.hash(PASSWORD)
    for account in ACCOUNTS:
        _account(account, organisations[account.organisation], password_hash)
    db.session().flush()
    for office, agencies in PROSECUTOR_LINKS.items():
        _link(organisations[office], [organisations[name] for name in agencies])
    return list(ACCOUNTS)


def _link(office: Organisation, agencies: list[Organisation]) -> None:
    session = db.session()
    for agency in agencies:
        if session.get(ProsecutorAgency, (office.id, agency.id)) is None:
            session.add(ProsecutorAgency(prosecutor_id=office.id, agency_id=agency.id))


def _organisation(name: str, kind: OrgKind) -> Organisation:
    session = db.session()
    organisation = session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        session.add(organisation)
    return organisation


def _account(account: DemoAccount, organisation: Organisation, password_hash: str) -> User:
    session = db.session()
    user = session.scalar(select(User).where(User.email == account.email))
    if user is None:
        user = User(email=account.email)
        session.add(user)
    user.organisation = organisation
    user.name, user.role = account.name, account.role
    user.badge_number, user.phone = account.badge_number, account.phone
    user.password_hash, user.totp_secret = password_hash, account.totp_secret
    user.totp_last_step, user.failed_sign_ins = 0, 0
    user.locked_until = user.disabled_at = None
    return user


def find(email: str) -> DemoAccount | None:
    return next((a for a in ACCOUNTS if a.email == email.strip().lower()), None)

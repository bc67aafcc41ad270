"""Plain factories: make_org, make_user(role=...). Each commits to a savepoint of the test."""

from __future__ import annotations

import itertools

import pyotp
from sqlalchemy.orm import Session

from portal.accounts.models import Organisation, OrgKind, Role, User, roles_for
from tests.pages import PASSWORD

_serial = itertools.count(1)


class Factory:
    def __init__(self, session: Session, app):
        self.session = session
        self.app = app

    def org(self, kind: OrgKind = OrgKind.LAW_ENFORCEMENT, name: str | None = None) -> Organisation:
        organisation = Organisation(name=name or f"{kind.label} {next(_serial)}", kind=kind)
        self.session.add(organisation)
        self.session.commit()
        return organisation

    def user(self, role: Role = Role.REFERRER, organisation: Organisation | None = None, *,
             email: str | None = None, password: str = PASSWORD, enrolled: bool = True,
             **fields) -> User:
        if organisation is None:
            kind = OrgKind.PROGRAM if role in roles_for(OrgKind.PROGRAM) else OrgKind.LAW_ENFORCEMENT
            organisation = self.org(kind)
        number = next(_serial)
        user = User(organisation=organisation, role=role, email=email or f"user{number}@example.org",
                    name=fields.pop("name", f"Test User {number}"), **fields)
        if enrolled:
            user.password_hash = self.app.extensions["portal.hasher"].hash(password)
            user.totp_secret = pyotp.random_base32()
        self.session.add(user)
        self.session.commit()
        return user

    def reload(self, instance):
        self.session.refresh(instance)
        return instance

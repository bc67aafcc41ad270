"""Setting up a new installation: the program's organisation and its first administrator."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal import db
from portal.accounts import operations
from portal.accounts.models import Organisation, OrgKind, Role


def program_organisation() -> Organisation:
    existing = db.session().scalar(select(Organisation).where(Organisation.kind == OrgKind.PROGRAM))
    if existing is not None:
        return existing
    name = current_app.extensions["portal.settings"].program_name
    return operations.create_organisation(None, f"{name} program", OrgKind.PROGRAM)


def invite_first_admin(*, email: str, name: str) -> str:
    return operations.invite_user(None, program_organisation(), name=name, email=email,
                                  role=Role.PROGRAM_ADMIN)

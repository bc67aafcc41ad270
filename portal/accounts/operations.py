"""The verbs of accounts. Each takes its actor, flushes but never commits, and writes its audit row."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from portal import audit, db
from portal.accounts import mfa, sessions
from portal.accounts.models import (
    Invitation, Organisation, OrgKind, PasswordReset, RecoveryCode, Role, User, roles_for,
)
from portal.accounts.tokens import digest, new_token
from portal.errors import Refused
from portal.notifications import queue_email
from portal.notifications.outbox import link_to
from portal.web import emails


def _settings():
    return current_app.extensions["portal.settings"]


def _hasher():
    return current_app.extensions["portal.hasher"]


def normalise_email(email: str) -> str:
    return emails.normalise(email)


def find_user_by_email(email: str) -> User | None:
    return db.session().scalar(select(User).where(User.email == normalise_email(email)))


# --- Sign-in -----------------------------------------------------------------------------------

def check_password(email: str, password: str) -> User | None:
    """The first factor. Unknown, disabled, locked and wrong all look the same from outside."""
    user = find_user_by_email(email)
    correct = _hasher().verify(user.password_hash if user else None, password)
    if user is not None:
        _lock_row(user)
    if user is None or not user.enrolled:
        audit.record("sign_in.password", outcome="failure", detail={"reason": "unknown account"})
        return None
    if user.disabled_at is not None or user.is_locked(db.utcnow()):
        reason = "disabled" if user.disabled_at is not None else "locked"
        audit.record("sign_in.password", actor=user, outcome="refused", detail={"reason": reason})
        return None
    if not correct:
        register_failure(user, "wrong password")
        return None
    return user


def check_second_factor(user: User, code: str) -> bool:
    """A TOTP code (each usable once) or an unused recovery code."""
    _lock_row(user)
    if user.disabled_at is not None or user.is_locked(db.utcnow()):
        audit.record("sign_in.code", actor=user, outcome="refused", detail={"reason": "locked"})
        return False
    step = mfa.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    if _use_recovery_code(user, code):
        return True
    register_failure(user, "wrong code")
    return False


def _lock_row(user: User) -> None:
    """Hold the user's row until the request commits, and read it afresh: two attempts at once
    then take turns, so a code cannot be used twice and no failure goes uncounted (on SQLite,
    BEGIN IMMEDIATE serialises the requests already)."""
    db.session().execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session().refresh(user)


def _use_recovery_code(user: User, typed: str) -> bool:
    if len(typed.replace("-", "").replace(" ", "")) != 10:
        return False
    code = db.session().scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == mfa.recovery_digest(typed),
        RecoveryCode.used_at.is_(None)))
    if code is None:
        return False
    code.used_at = db.utcnow()
    audit.record("recovery_code.used", actor=user)
    return True


def register_failure(user: User, reason: str) -> None:
    settings = _settings()
    user.failed_sign_ins += 1
    audit.record("sign_in", actor=user, outcome="failure", detail={"reason": reason})
    if user.failed_sign_ins >= settings.max_failed_sign_ins:
        user.locked_until = db.utcnow() + timedelta(seconds=settings.lockout_seconds)
        user.failed_sign_ins = 0
        audit.record("account.locked", actor=user, subject=user)


def complete_sign_in(user: User) -> None:
    user.failed_sign_ins = 0
    sessions.start(user)
    audit.record("sign_in", actor=user)


def sign_out(user: User) -> None:
    sessions.end_current("signed out")
    audit.record("sign_out", actor=user)


def looked_at_home(user: User) -> None:
    """The home page was shown: what it called new is no longer new next time."""
    user.home_seen_at = db.utcnow()


def sign_out_other_sessions(user: User) -> int:
    ended = sessions.end_others(user, "signed out elsewhere")
    audit.record("sessions.others_ended", actor=user, subject=user, detail={"ended": ended})
    return ended


# --- Invitations -------------------------------------------------------------------------------

def invite_user(actor: User, organisation: Organisation, *, name: str, email: str, role: Role,
                phone: str | None = None, badge_number: str | None = None) -> str:
    """Create the user, not yet enrolled, and a single-use link. Returns the link to show."""
    if role not in roles_for(organisation.kind):
        raise Refused(f"Choose a role that a {organisation.kind.label.lower()} can hold", "role")
    existing = find_user_by_email(email)
    if existing is not None:
        if actor.role is Role.PROGRAM_ADMIN or existing.organisation_id == organisation.id:
            # Someone this administrator can see already: saying so tells them nothing new.
            raise Refused("That email address already has an account. Enter a different one",
                          "email")
        return _invitation_not_sent(actor, organisation, existing)
    user = User(organisation=organisation, name=name.strip(), email=normalise_email(email),
                role=role, phone=phone or None, badge_number=badge_number or None)
    db.session().add(user)
    db.session().flush()
    link = _new_invitation(actor, user)
    audit.record("user.invited", actor=actor, subject=user, organisation_id=organisation.id,
                 detail={"role": role.value})
    return link


def _invitation_not_sent(actor: User, organisation: Organisation, existing: User) -> str:
    """An account in another organisation: answer exactly as for a new one (a link that leads
    nowhere), so the form cannot be used to learn who has an account where. The owner is told."""
    audit.record("user.invite_not_sent", actor=actor, subject=existing,
                 organisation_id=organisation.id, detail={"reason": "email has an account"})
    queue_email("invite_attempted", existing.email, user_id=existing.id, name=existing.name,
                organisation=organisation.name)
    return external_url("accounts.accept_invitation", token=new_token()[0])


def reinvite(actor: User, user: User) -> str:
    if user.enrolled:
        raise Refused("This person has already set up their account")
    link = _new_invitation(actor, user)
    audit.record("user.reinvited", actor=actor, subject=user, organisation_id=user.organisation_id)
    return link


def _new_invitation(actor: User | None, user: User) -> str:
    token, token_hash = new_token()
    expires = db.utcnow() + timedelta(days=_settings().invitation_days)
    db.session().add(Invitation(token_hash=token_hash, user=user, expires_at=expires,
                                invited_by_id=getattr(actor, "id", None)))
    link = external_url("accounts.accept_invitation", token=token)
    queue_email("invitation", user.email, user_id=user.id, name=user.name, link=link,
                organisation=user.organisation.name, days=_settings().invitation_days)
    return link


def external_url(endpoint: str, **values) -> str:
    """Links in email use the configured address, never the request's Host header (built from
    the URL map: a test request context, as the command line once used, closed its session)."""
    return link_to(endpoint, **values)


def find_invitation(token: str) -> Invitation | None:
    invitation = db.session().scalar(
        select(Invitation).where(Invitation.token_hash == digest(token)))
    if invitation is None or invitation.used_at is not None:
        return None
    if invitation.expires_at <= db.utcnow() or invitation.user.disabled_at is not None:
        return None
    if invitation.user.enrolled:
        # Set up through another (re-sent) link: this one must not set a new password and app.
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, password: str, secret: str, code: str) -> list[str]:
    """Set the password and enrol the authenticator. Returns the recovery codes, shown once."""
    if mfa.matching_step(secret, code, 0) is None:
        raise Refused("Enter the 6-digit code your authenticator app shows now", "code")
    user = invitation.user
    invitation.used_at = db.utcnow()
    user.password_hash = _hasher().hash(password)
    user.totp_secret = secret
    user.totp_last_step = mfa.matching_step(secret, code, 0)
    audit.record("user.enrolled", actor=user, subject=user)
    return replace_recovery_codes(user)


def replace_recovery_codes(user: User) -> list[str]:
    codes = mfa.new_recovery_codes()
    for old in db.session().scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session().delete(old)
    db.session().add_all(RecoveryCode(user_id=user.id, code_hash=mfa.recovery_digest(c)) for c in codes)
    audit.record("recovery_codes.replaced", actor=user, subject=user)
    return codes


# --- Managing users ----------------------------------------------------------------------------

def disable_user(actor: User, user: User) -> None:
    if user.id == actor.id:
        raise Refused("You cannot disable your own account")
    user.disabled_at = db.utcnow()
    sessions.end_all(user, "account disabled")
    audit.record("user.disabled", actor=actor, subject=user, organisation_id=user.organisation_id)


def enable_user(actor: User, user: User) -> None:
    user.disabled_at = None
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record("user.enabled", actor=actor, subject=user, organisation_id=user.organisation_id)


def unlock_user(actor: User, user: User) -> None:
    user.locked_until = None
    user.failed_sign_ins = 0
    audit.record("account.unlocked", actor=actor, subject=user, organisation_id=user.organisation_id)


def change_role(actor: User, user: User, role: Role) -> None:
    if role not in roles_for(user.organisation.kind):
        raise Refused("Choose a role this organization can hold", "role")
    if user.id == actor.id:
        raise Refused("You cannot change your own role", "role")
    old, user.role = user.role, role
    sessions.end_all(user, "role changed")
    audit.record("user.role_changed", actor=actor, subject=user, organisation_id=user.organisation_id,
                 detail={"from": old.value, "to": role.value})


def create_organisation(actor: User, name: str, kind: OrgKind) -> Organisation:
    name = " ".join(name.split())
    taken = db.session().scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if taken is not None:
        raise Refused("An organization with that name already exists. Enter a different name", "name")
    organisation = Organisation(name=name, kind=kind)
    db.session().add(organisation)
    db.session().flush()
    audit.record("organisation.created", actor=actor, subject=organisation,
                 organisation_id=organisation.id, detail={"kind": kind.value})
    return organisation


# --- Passwords ---------------------------------------------------------------------------------

def change_password(user: User, current: str, new: str) -> None:
    if not _hasher().verify(user.password_hash, current):
        raise Refused("Your current password is not right. Enter it again", "current_password")
    _set_password(user, new, "password changed")
    sessions.start(user)


def _set_password(user: User, new: str, reason: str) -> None:
    user.password_hash = _hasher().hash(new)
    sessions.end_all(user, reason)
    audit.record("password.changed", actor=user, subject=user, detail={"how": reason})


def request_password_reset(email: str) -> None:
    """Email a single-use link when the account exists; say nothing either way.

    The email is only written to the outbox here (the worker sends it), and both ways take at
    least ``password_reset_floor_seconds``: a known address costs a few more rows than an unknown
    one, and that difference must not tell anyone which addresses have accounts (issue 10)."""
    started = time.monotonic()
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        audit.record("password_reset.requested", outcome="failure")
    else:
        _queue_password_reset(user)
    db.session().flush()  # the known path's rows are written inside the floor, not after it
    time.sleep(max(0.0, _settings().password_reset_floor_seconds - (time.monotonic() - started)))


def _queue_password_reset(user: User) -> None:
    token, token_hash = new_token()
    expires = db.utcnow() + timedelta(minutes=_settings().password_reset_minutes)
    db.session().add(PasswordReset(token_hash=token_hash, user=user, expires_at=expires))
    link = external_url("accounts.reset_password", token=token)
    queue_email("password_reset", user.email, user_id=user.id, name=user.name, link=link,
                minutes=_settings().password_reset_minutes)
    audit.record("password_reset.requested", actor=user, subject=user)


def find_password_reset(token: str) -> PasswordReset | None:
    reset = db.session().scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= db.utcnow():
        return None
    return reset if reset.user.is_active else None


def reset_password(reset: PasswordReset, new: str, code: str) -> None:
    """The emailed link alone is not enough: the second factor is asked for too."""
    user = reset.user
    if not check_second_factor(user, code):
        raise Refused("Enter the 6-digit code your authenticator app shows now, or a recovery code",
                      "code")
    reset.used_at = db.utcnow()
    user.failed_sign_ins = 0
    user.locked_until = None
    _set_password(user, new, "password reset")

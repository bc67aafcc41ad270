"""Server-side session records behind Flask-Login.

The signed cookie carries only a random token (``sid``); the record it names says who is signed in
and when the session ends. Ending the record kills every copy of the cookie at once.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from flask import session as cookie
from flask_login import LoginManager
from sqlalchemy import select, update

from portal import db
from portal.accounts.models import User, UserSession
from portal.accounts.tokens import digest, new_token

SID = "sid"
# last_seen_at is written at most this often, so that reads stay reads; the idle timeout is
# therefore exact to within a minute.
TOUCH_EVERY = timedelta(seconds=60)


def init_app(app) -> None:
    manager = LoginManager(app)
    manager.login_view = "accounts.sign_in"
    manager.login_message = "Sign in to continue."
    manager.request_loader(load_user)
    manager.anonymous_user.role = None


def start(user: User) -> UserSession:
    """Sign ``user`` in on this browser: forget everything pre-sign-in and issue a new token."""
    cookie.clear()
    token, token_hash = new_token()
    record = UserSession(token_hash=token_hash, user_id=user.id,
                         source_address=request.remote_addr)
    db.session().add(record)
    db.session().flush()
    _end_beyond_limit(user, keep=record)
    cookie[SID] = token
    cookie.permanent = True
    return record


def _end_beyond_limit(user: User, keep: UserSession) -> None:
    """At most N sessions per user: the newest stay, the oldest beyond N end."""
    limit = current_app.extensions["portal.settings"].max_sessions_per_user
    stale = db.session().scalars(
        select(UserSession.id)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.id != keep.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .offset(limit - 1)).all()
    if stale:
        db.session().execute(update(UserSession).where(UserSession.id.in_(stale))
                             .values(ended_at=db.utcnow(), ended_reason="session limit"))


def current() -> UserSession | None:
    return g.get("user_session")


def active(user: User) -> list[UserSession]:
    """The user's sessions still alive (not ended, not past a timeout), newest first."""
    records = db.session().scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.created_at.desc(), UserSession.id.desc()))
    return [record for record in records if _expired(record) is None]


def end_others(user: User, reason: str) -> int:
    """End every session of ``user`` but this one; returns how many ended."""
    result = db.session().execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.id != current().id)
        .values(ended_at=db.utcnow(), ended_reason=reason))
    return result.rowcount


def end_current(reason: str) -> None:
    record = g.get("user_session")
    if record is not None:
        _end(record, reason)
    cookie.clear()


def end_all(user: User, reason: str) -> None:
    db.session().execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=db.utcnow(), ended_reason=reason)
    )


def load_user(_request) -> User | None:
    token = cookie.get(SID)
    if not token:
        return None
    record = db.session().scalar(select(UserSession).where(UserSession.token_hash == digest(token)))
    if record is None or record.ended_at is not None:
        return None
    reason = _expired(record)
    if reason:
        _end(record, reason)
        g.session_expired = reason
        return None
    _touch(record)
    g.user_session = record
    return record.user


TIMEOUTS = ("idle timeout", "absolute timeout")


def timed_out_user() -> User | None:
    """The user whose session this browser's cookie still names, if it ended by a timeout only:
    the browser held their session (the token is random and the cookie signed), and nobody ended
    it on purpose (signing out, an administrator, a password change end it otherwise)."""
    token = cookie.get(SID)
    if not token:
        return None
    record = db.session().scalar(select(UserSession).where(UserSession.token_hash == digest(token)))
    if record is None or record.ended_reason not in TIMEOUTS or not record.user.is_active:
        return None
    return record.user


def _expired(record: UserSession) -> str | None:
    settings = current_app.extensions["portal.settings"]
    now = db.utcnow()
    if not record.user.is_active:
        return "account disabled"
    if now - record.created_at > timedelta(seconds=settings.absolute_timeout_seconds):
        return "absolute timeout"
    if now - record.last_seen_at > timedelta(seconds=settings.idle_timeout_seconds):
        return "idle timeout"
    return None


def _touch(record: UserSession) -> None:
    now = db.utcnow()
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now


def _end(record: UserSession, reason: str) -> None:
    record.ended_at = db.utcnow()
    record.ended_reason = reason

"""The state between the two steps of sign-in: the password accepted, the code not yet given.

It lives in the signed cookie and is worth little on its own, but it must not outlive its purpose:
it expires after a few minutes, and it is tied to the password it was accepted with, so that a
password change or reset in between (the owner locking out whoever knew the old one) kills it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app, session

from portal import db
from portal.accounts.models import User

PENDING = "pending_sign_in"


def remember(user: User, next_url: str) -> None:
    session.clear()
    session[PENDING] = {"user": user.id, "at": int(time.time()), "next": next_url,
                        "password": _fingerprint(user.password_hash)}


def pending_user() -> User | None:
    """The user whose password was accepted on this browser, if that is still good."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    user = db.session().get(User, state.get("user", 0))
    settings = current_app.extensions["portal.settings"]
    too_old = time.time() - state.get("at", 0) > settings.pending_sign_in_seconds
    if user is None or too_old or not hmac.compare_digest(
            state.get("password", ""), _fingerprint(user.password_hash)):
        session.pop(PENDING, None)
        return None
    return user


def pending_next() -> str | None:
    return (session.get(PENDING) or {}).get("next")


def code_limit_key() -> str:
    """The code step's per-account rate limit: spreading guesses over addresses does not help."""
    state = session.get(PENDING)
    return "code:" + (str(state.get("user")) if isinstance(state, dict) else "none")


def _fingerprint(password_hash: str | None) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (password_hash or "").encode(), hashlib.sha256).hexdigest()

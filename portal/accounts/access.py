"""Every endpoint declares who may use it; the URL-map test fails on any that does not."""

from __future__ import annotations

import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit.operations import record_refusal

ACCESS_RULE = "access_rule"


def public(view):
    """Anyone, signed in or not."""
    setattr(view, ACCESS_RULE, "public")
    return view


def signed_in(*roles: Role):
    """A signed-in user (who has passed MFA: no session exists before that), of one of ``roles``."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            if roles and current_user.role not in roles:
                record_refusal("access.refused", actor=current_user,
                               detail={"endpoint": request.endpoint})
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_RULE, tuple(roles) or "signed_in")
        return guarded

    return decorate


def redirect_to_sign_in():
    if request.blueprint == "api":
        abort(401)  # a program calling the API wants a status, not a sign-in page
    target = request.full_path if request.method == "GET" else request.path
    params = {"next": target.rstrip("?")}
    # Say why the session ended (1: idle, 2: the 12-hour limit), so the sign-in page can too.
    reason = {"idle timeout": "1", "absolute timeout": "2"}.get(g.get("session_expired"))
    if reason:
        params["expired"] = reason
    return redirect(url_for("accounts.sign_in", **params))


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: no scheme, no host, no '//' or '\\' that browsers read as a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\\\r\n\t") or ":" in target.split("?", 1)[0]:
        return default
    return target

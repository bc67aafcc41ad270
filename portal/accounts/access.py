"""Who may do what: the roles' abilities in one table, the decorators every endpoint declares
its rule with (the URL-map test fails on any that does not), and the one way a record the user
may not see is refused (404, with an audited refusal).
"""

from __future__ import annotations

import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from portal import events
from portal.accounts import sessions
from portal.accounts.models import PARTNER_ROLES, PROGRAM_ROLES, Role
from portal.audit.operations import record_refusal
from portal.web.security import csrf_issued_here

ACCESS_RULE = "access_rule"

PARTNERS = PARTNER_ROLES  # referrer, partner administrator: the referring organization
STAFF = PROGRAM_ROLES  # coordinator, program administrator: the LEAD program

# What each role may do. Which records it may do it to is narrowed by the queries
# (referrals.queries.visible_to: a referrer's own, a partner administrator's organization's,
# program staff every submitted referral; prosecutor.queries: a prosecutor's office its linked
# agencies' arrest diversions once decided).
MAY: dict[str, tuple[Role, ...]] = {
    "refer": PARTNERS,  # start, fill in, send, withdraw and answer for their referrals
    "print": PARTNERS + STAFF,  # a submitted referral's receipts and consent copy
    "record_revocation": PARTNERS + STAFF,
    "review": STAFF,  # the queue, a referral's page, claims, decisions, notes
    "act_for_any_holder": (Role.PROGRAM_ADMIN,),  # release or act on another's claim
    "administer_partners": (Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN),  # their organizations' users
    "administer_program": (Role.PROGRAM_ADMIN,),  # organizations, access requests, the audit log
    # The prosecutor's office: its linked agencies' arrest diversions' outcomes, and nothing else.
    "see_outcomes": (Role.PROSECUTOR,),
}


def may(ability: str) -> tuple[Role, ...]:
    return MAY[ability]


def allowed_to(ability: str):
    """``@allowed_to("review")``: a signed-in user whose role has that ability."""
    return signed_in(*MAY[ability])


def refuse(subject: tuple[str, int]):
    """A record the user may not see, or that does not exist: the same 404 either way, and the
    attempt in the audit log (``subject``: the table and id asked for)."""
    record_refusal("access.refused", actor=current_user, subject=subject,
                   detail={"endpoint": request.endpoint})
    abort(404)


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
    if request.method == "POST":
        _post_interrupted()
    params = {"next": target.rstrip("?")}
    # Say why the session ended (1: idle, 2: the 12-hour limit), so the sign-in page can too.
    reason = {"idle timeout": "1", "absolute timeout": "2"}.get(g.get("session_expired"))
    if reason:
        params["expired"] = reason
    return redirect(url_for("accounts.sign_in", **params))


def _post_interrupted() -> None:
    """A form posted after the session timed out: if the browser proves it was the signed-out
    user's (portal/referrals/drafts.py explains how), whoever keeps such forms is told."""
    user = sessions.timed_out_user()
    if user is not None and csrf_issued_here(request.form.get("csrf_token")):
        events.emit("session.post_interrupted", user=user, endpoint=request.endpoint,
                    view_args=dict(request.view_args or {}), form=request.form)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: no scheme, no host, no '//' or '\\' that browsers read as a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\\\r\n\t") or ":" in target.split("?", 1)[0]:
        return default
    return target

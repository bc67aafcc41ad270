"""Nothing typed is lost: what a partner posted on a question page and the portal could not keep
as answers (an answer refused, a page that expired, a session that ended before the post).

It is kept on the draft (``referrals.pending``, per page, exactly as posted), never in the
answers: the page shows it again, with its errors, until the page is saved. Only the draft's
author ever reads a draft (queries.load_draft), so only they see it.

A post that arrives after the session ended (idle or 12-hour timeout) names no signed-in user.
It is kept only when the browser proves it was the author's: the signed session cookie still
holds the random token of the author's session, which ended by a timeout (not by signing out,
an administrator or a password change), and the form's CSRF token was issued to that same
session. Anyone else's post, or the author's after signing out, keeps nothing. After signing in
again the author lands on the page with what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from portal import db, events
from portal.referrals import steps
from portal.referrals.models import Referral
from portal.referrals.states import Status

NOT_KEPT = {"csrf_token"}
REFUSED, EXPIRED, SIGNED_OUT = "refused", "expired", "signed out"


@dataclass(frozen=True)
class Kept:
    form: MultiDict
    why: str  # REFUSED (its answers had errors), EXPIRED or SIGNED_OUT (not checked yet)


def keep(referral: Referral, slug: str, posted: MultiDict, why: str = REFUSED) -> None:
    form = {name: posted.getlist(name) for name in posted if name not in NOT_KEPT}
    referral.pending = {**(referral.pending or {}), slug: {"form": form, "why": why}}


def kept(referral: Referral, slug: str) -> Kept | None:
    page = (referral.pending or {}).get(slug)
    if not isinstance(page, dict) or not isinstance(page.get("form"), dict):
        return None
    return Kept(MultiDict([(name, value) for name, values in page["form"].items()
                           for value in values]), page.get("why") or REFUSED)


def forget(referral: Referral, slug: str | None = None) -> None:
    """The page saved (or, with no slug, the referral sent): its posted copy is done with."""
    rest = {k: v for k, v in (referral.pending or {}).items() if slug is not None and k != slug}
    referral.pending = rest or None


@events.on("session.post_interrupted")
def keep_for_author(user, endpoint: str, view_args: dict, form: MultiDict) -> None:
    """A question page posted after the author's session timed out (accounts.access proved
    the browser was theirs): kept on their own draft only."""
    if endpoint != "referrals.step":
        return
    referral = db.session().get(Referral, (view_args or {}).get("referral_id"))
    if referral is None or referral.referrer_id != user.id or referral.status is not Status.DRAFT:
        return
    slug = str(view_args.get("slug"))
    if steps.step_for(referral.route, slug) is not None:
        keep(referral, slug, form, SIGNED_OUT)

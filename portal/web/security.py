"""Headers on every response, CSRF on every state change, and rate limits."""

from __future__ import annotations

from blinker import Namespace
import hmac

from flask import Flask, current_app, request, session
from itsdangerous import BadData, URLSafeTimedSerializer
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from portal.web import emails

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")

csrf = CSRFProtect()
# Sent (with the app) whenever a request fails its CSRF check, by the global check or a form's:
# the audit layer listens, since this layer may not import it.
csrf_failed = Namespace().signal("portal.csrf-failed")
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(_headers)


@limiter.request_filter
def _limits_off() -> bool:
    """Limits are switched per app (benchmarks turn them off), not on the one shared limiter."""
    return not current_app.extensions["portal.settings"].ratelimit_enabled


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may show personal data; none of them may be kept by a browser or a proxy.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def account_key() -> str:
    """Rate-limit key for the account being tried, so spreading over addresses does not help."""
    return "account:" + emails.normalise(request.form.get("email") or "")[:254]


def csrf_in_form(view):
    """The view validates a PortalForm, which checks the CSRF token itself.

    A failed token then re-renders the page with every answer kept and a fresh token, instead of
    the bare 400 that the global check gives: nothing typed on a long form is lost.
    """
    return csrf.exempt(view)


def csrf_issued_here(token: str | None) -> bool:
    """Whether ``token`` is a CSRF token this browser's session was given, however long ago.

    Flask-WTF's check, without its time limit: a page left open past the limit still proves the
    post came from this site's page in this browser (a forged post has no such token), so what it
    carries may be kept for the person to check and send again, though not saved as sent.
    """
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not token or field not in session:
        return False
    try:
        raw = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    return isinstance(raw, str) and hmac.compare_digest(session[field], raw)

"""Refusals that happen before any view runs its own audit: a failed CSRF check.

The web layer announces each one (portal.web.security.csrf_failed, from the global check and from
every form's); this records it with which page and method, never anything that was sent.
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from portal.audit.operations import record_refusal
from portal.web.security import csrf_failed


def init_app(app: Flask) -> None:
    csrf_failed.connect(_record_csrf_failure, sender=app)


def _record_csrf_failure(_app: Flask) -> None:
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    record_refusal("csrf.refused", actor=actor,
                   detail={"endpoint": request.endpoint, "method": request.method})

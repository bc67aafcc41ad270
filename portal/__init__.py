"""The LEAD referral portal."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from portal.config import INSTANCE, ROOT, Settings, from_env

if TYPE_CHECKING:  # Flask is imported inside create_app, so that `import portal.eligibility`
    from flask import Flask  # stays free of Flask for the command line and other programs.


def create_app(config: Settings | None = None) -> Flask:
    """Build the app from frozen settings: a short list of named steps."""
    from flask import Flask

    settings = config or from_env()
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(INSTANCE))
    _configure(app, settings)
    _trust_proxies(app, settings)
    _connect_database(app, settings)
    _load_rules(app, settings)
    _secure(app)
    _register_blueprints(app)
    _listen_to_events()
    _register_template_helpers(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    from portal.accounts.passwords import Hasher

    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        MAX_FORM_MEMORY_SIZE=settings.max_content_length,
        # __Host-: the browser keeps it only if Secure, for Path=/ and with no Domain, so no
        # other host (a sibling subdomain) can plant or overwrite it. Plain http needs "session".
        SESSION_COOKIE_NAME="__Host-session" if settings.secure_cookies else "session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.absolute_timeout_seconds),
        WTF_CSRF_TIME_LIMIT=settings.absolute_timeout_seconds,
        WTF_CSRF_SSL_STRICT=settings.production,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
    )
    app.extensions["portal.settings"] = settings
    app.extensions["portal.hasher"] = Hasher(settings.argon2_profile)


def _trust_proxies(app: Flask, settings: Settings) -> None:
    """Behind N proxies, take the client's address and scheme from the headers they add (the
    N-th address from the right); with none, the headers are ignored, since anyone can send them."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if settings.trusted_proxies:
        count = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _connect_database(app: Flask, settings: Settings) -> None:
    from portal import db

    db.init_app(app, settings.database_url)


def _load_rules(app: Flask, settings: Settings) -> None:
    from portal.eligibility import default_ruleset, load_ruleset

    from portal.consent.texts import default_texts
    from portal.referrals.steps import check_ruleset

    path = settings.ruleset_path
    ruleset = load_ruleset(path) if path else default_ruleset()
    check_ruleset(ruleset, default_texts())
    app.extensions["portal.ruleset"] = ruleset


def _secure(app: Flask) -> None:
    from portal.accounts import sessions
    from portal.audit import refusals
    from portal.web import errors, security

    security.init_app(app)
    sessions.init_app(app)
    errors.init_app(app)
    refusals.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.routes import bp as accounts
    from portal.api.routes import bp as api
    from portal.notices.routes import bp as notifications
    from portal.admin.routes import bp as admin
    from portal.audit_log.routes import bp as audit
    from portal.casework.routes import bp as casework
    from portal.prosecutor.routes import bp as prosecutor
    from portal.public.routes import bp as public
    from portal.receipts.routes import bp as receipts
    from portal.referrals.revocation import bp as consent
    from portal.referrals.routes import bp as referrals
    from portal.reports.routes import bp as reports
    from portal.review.routes import bp as review

    for blueprint in (public, accounts, referrals, consent, receipts, review, admin, audit, api,
                      reports, notifications, casework, prosecutor):
        app.register_blueprint(blueprint)


def _listen_to_events() -> None:
    """The listeners of what the referral's verbs emit (portal/events.py) register on import."""
    import portal.notices.notices  # noqa: F401
    import portal.referrals.drafts  # noqa: F401
    import portal.prosecutor.operations  # noqa: F401
    import portal.reports.operations  # noqa: F401
    import portal.review.duplicates  # noqa: F401
    import portal.review.search  # noqa: F401


def _register_template_helpers(app: Flask) -> None:
    from portal.accounts.navigation import navigation
    from portal.casework import queries as casework, section as casework_section
    from portal.casework.vocabulary import method_label, outcome_label
    from portal.consent.operations import effective_status
    from portal.home.needs_you import needs_you
    from portal.referrals.answers import of
    from portal.referrals.standing import status_label
    from portal.web import dates, urls

    ruleset = app.extensions["portal.ruleset"]
    app.add_template_filter(lambda code: ruleset.route_labels.get(code, code), "route_label")
    dates.init_app(app)
    urls.init_app(app)

    @app.context_processor
    def helpers():
        return {"settings": app.extensions["portal.settings"], "navigation": navigation,
                "consent_status": effective_status, "answers_of": of, "needs_you": needs_you,
                "status_label": status_label,
                "casework_of": casework_section.of, "attempt_words": casework.attempt_words,
                "attempt_method": lambda a: method_label(a.method),
                "attempt_outcome": lambda a: outcome_label(a.outcome)}

"""Settings: built once, frozen, passed to create_app. Nothing reads the environment on import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
WEAK_KEYS = {"", "dev", "secret", "changeme", "change-me", "development"}
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the process must not start."""


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = "development"
    secret_key: str = ""
    database_url: str = f"sqlite:///{INSTANCE / 'portal.sqlite3'}"
    ruleset_path: str | None = None
    # Sessions (security.md: idle 30 minutes, absolute 12 hours).
    idle_timeout_seconds: int = 30 * 60
    absolute_timeout_seconds: int = 12 * 60 * 60
    # Sign-in (security.md: 5 failures lock for 10 minutes).
    max_failed_sign_ins: int = 5
    lockout_seconds: int = 10 * 60
    # The password accepted, the code not yet given: how long that state lasts.
    pending_sign_in_seconds: int = 5 * 60
    # A new sign-in ends the user's oldest sessions beyond this many.
    max_sessions_per_user: int = 3
    # How many proxies in front of the portal add X-Forwarded-For/-Proto (0: trust none).
    trusted_proxies: int = 0
    invitation_days: int = 7
    password_reset_minutes: int = 60
    # A reset request answers in no less than this, known address or not (see accounts).
    password_reset_floor_seconds: float = 0.25
    # "production" uses argon2-cffi's RFC 9106 low-memory profile; "fast" is for tests only.
    argon2_profile: str = "production"
    ratelimit_enabled: bool = True
    ratelimit_storage_uri: str = "memory://"
    max_content_length: int = 1024 * 1024
    # Mail (the outbox's worker sends it; without a host, development keeps it at "Sent mail").
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_security: str = "none"  # "none", "starttls" or "tls" (implicit TLS, usually port 465)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = 10.0
    mail_sender: str = "LEAD Referral Portal <no-reply@lead.invalid>"
    # A failed message is retried after 1, 2, 4, ... times this, then given up after the last.
    outbox_max_attempts: int = 8
    outbox_retry_seconds: int = 60
    outbox_poll_seconds: float = 5.0
    public_url: str = "http://127.0.0.1:5000"
    # The short name, as in "the LEAD program" (the consent texts say "the {program_name} program").
    program_name: str = "LEAD"
    program_phone: str = "(555) 010-0100"
    program_email: str = "lead@lead.invalid"
    # Where and when a person can walk in for intake without an appointment, printed on the
    # person's receipt for someone who may have no phone (hours in English and Spanish).
    intake_address: str = "100 Example Street, Suite 2 (demo address)"
    intake_hours: str = "Monday to Friday, 9 a.m. to 4 p.m., no appointment needed"
    intake_hours_es: str = "De lunes a viernes, de 9 a. m. a 4 p. m., sin cita"
    # Receipts: paper size ("Letter" or "A4"), the time zone times are printed in, and how long
    # one PDF may take to render before the request gives up (503, nothing stored).
    paper_size: str = "Letter"
    timezone: str = "UTC"
    render_timeout_seconds: float = 10.0
    # Reports: the reference group of the Relative Rate Index (a disparity group, as the RRI
    # tables name them), and the program's comparison base file (see portal/reports/base.py).
    reports_reference_group: str = "white:not_hispanic"
    reports_base_csv: str | None = None
    # The whole report is a dozen pages of tables: it may take longer than a receipt.
    reports_render_timeout_seconds: float = 60.0
    testing: bool = False

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.production

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


_DEFAULT = Settings()


def from_env(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    settings = Settings(
        env=env.get("LEAD_ENV", "development"),
        secret_key=env.get("SECRET_KEY", ""),
        database_url=env.get("DATABASE_URL", _DEFAULT.database_url),
        ruleset_path=env.get("LEAD_RULESET") or None,
        ratelimit_enabled=env.get("RATELIMIT_ENABLED", "1") not in {"0", "false", "no"},
        ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "memory://"),
        trusted_proxies=_whole_number(env, "TRUSTED_PROXIES", _DEFAULT.trusted_proxies),
        max_sessions_per_user=_whole_number(env, "MAX_SESSIONS_PER_USER",
                                            _DEFAULT.max_sessions_per_user, least=1),
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_security=env.get("SMTP_SECURITY", _DEFAULT.smtp_security).lower(),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        outbox_max_attempts=int(env.get("OUTBOX_MAX_ATTEMPTS", _DEFAULT.outbox_max_attempts)),
        outbox_retry_seconds=int(env.get("OUTBOX_RETRY_SECONDS", _DEFAULT.outbox_retry_seconds)),
        outbox_poll_seconds=float(env.get("OUTBOX_POLL_SECONDS", _DEFAULT.outbox_poll_seconds)),
        password_reset_floor_seconds=float(env.get("PASSWORD_RESET_FLOOR_SECONDS",
                                                   _DEFAULT.password_reset_floor_seconds)),
        mail_sender=env.get("MAIL_SENDER", _DEFAULT.mail_sender),
        public_url=_public_url(env),
        program_name=env.get("PROGRAM_NAME", _DEFAULT.program_name),
        program_phone=env.get("PROGRAM_PHONE", _DEFAULT.program_phone),
        program_email=env.get("PROGRAM_EMAIL", _DEFAULT.program_email),
        intake_address=env.get("INTAKE_ADDRESS", _DEFAULT.intake_address),
        intake_hours=env.get("INTAKE_HOURS", _DEFAULT.intake_hours),
        intake_hours_es=env.get("INTAKE_HOURS_ES", _DEFAULT.intake_hours_es),
        paper_size=env.get("PAPER_SIZE", _DEFAULT.paper_size),
        timezone=env.get("PROGRAM_TIMEZONE", _DEFAULT.timezone),
        render_timeout_seconds=float(env.get("RENDER_TIMEOUT_SECONDS",
                                             _DEFAULT.render_timeout_seconds)),
        reports_reference_group=env.get("REPORTS_REFERENCE_GROUP",
                                        _DEFAULT.reports_reference_group),
        reports_base_csv=env.get("REPORTS_BASE_CSV") or None,
        reports_render_timeout_seconds=float(env.get("REPORTS_RENDER_TIMEOUT_SECONDS",
                                                     _DEFAULT.reports_render_timeout_seconds)),
    )
    if not settings.secret_key and not settings.production:
        settings = settings.with_(secret_key=_development_secret_key())
    check(settings)
    return settings


def _public_url(env) -> str:
    """PUBLIC_URL if set; else, in development, where `lead-portal run` serves (it records its
    --host and --port as FLASK_RUN_HOST/FLASK_RUN_PORT), so that `make run PORT=5101` mails
    invitation links that open."""
    if env.get("PUBLIC_URL"):
        return env["PUBLIC_URL"].rstrip("/")
    if env.get("LEAD_ENV", "development") == "production":
        return _DEFAULT.public_url
    host = env.get("FLASK_RUN_HOST") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:  # every interface: this machine's own address opens
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env.get('FLASK_RUN_PORT') or 5000}"


def _whole_number(env, name: str, default: int, least: int = 0) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < least:
        raise ConfigError(f"{name} must be a whole number of at least {least}, not {text!r}")
    return int(text)


def check(settings: Settings) -> None:
    """Refuse to run production with a weak key or with development-only settings."""
    if settings.env not in {"development", "production"}:
        raise ConfigError(f"LEAD_ENV must be 'development' or 'production', not {settings.env!r}")
    if settings.paper_size.lower() not in {"letter", "a4"}:
        raise ConfigError(f"PAPER_SIZE must be Letter or A4, not {settings.paper_size!r}")
    _check_mail(settings)
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"PROGRAM_TIMEZONE {settings.timezone!r} is not a time zone, like "
                          "America/Denver") from None
    if not settings.production:
        return
    key = settings.secret_key
    if key.lower() in WEAK_KEYS or len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10:
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if settings.argon2_profile != "production":
        raise ConfigError("production must use the production argon2 parameters")
    if settings.ratelimit_enabled and settings.ratelimit_storage_uri.startswith("memory://"):
        # Each gunicorn worker would count on its own: N workers, N times the limit.
        raise ConfigError("RATELIMIT_STORAGE_URI must name a shared store in production, like "
                          "redis://127.0.0.1:6379 (memory:// counts per worker)")


def _check_mail(settings: Settings) -> None:
    if settings.smtp_security not in {"none", "starttls", "tls"}:
        raise ConfigError("SMTP_SECURITY must be none, starttls or tls, not "
                          f"{settings.smtp_security!r}")
    if settings.outbox_max_attempts < 1 or settings.outbox_retry_seconds < 1:
        raise ConfigError("OUTBOX_MAX_ATTEMPTS and OUTBOX_RETRY_SECONDS must be at least 1")
    if settings.production and settings.smtp_username and settings.smtp_security == "none":
        # The password would cross the network in the clear.
        raise ConfigError("SMTP_USERNAME is set: set SMTP_SECURITY to starttls or tls as well")


def _development_secret_key() -> str:
    """A per-checkout key kept in instance/, so development sign-ins survive a restart."""
    path = INSTANCE / "secret-key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE.mkdir(exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key

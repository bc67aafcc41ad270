"""TOTP (RFC 6238) with one use per code, and hashed recovery codes."""

from __future__ import annotations

import hmac
import io
import time

import pyotp
import segno

from portal.accounts.tokens import digest, readable_code

STEP_SECONDS = 30
RECOVERY_CODES = 10
ISSUER = "LEAD Referral Portal"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG (no data: URL, so the strict CSP holds) with a title for screen readers."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False,
                                   svgns=True, title="QR code for your authenticator app",
                                   dark="#1b1b1b", light="#ffffff")
    return out.getvalue().decode()


def matching_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (allowing one step of clock drift), if not used already."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def new_recovery_codes() -> list[str]:
    return [format_recovery(readable_code(10)) for _ in range(RECOVERY_CODES)]


def format_recovery(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_digest(typed: str) -> str:
    cleaned = typed.replace("-", "").replace(" ", "").upper()
    return digest(cleaned)

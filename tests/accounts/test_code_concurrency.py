"""The code step under concurrency (issue 10, item 11), on real connections and real commits:
one code sent from two pending sign-ins at once gives one session, and wrong codes sent at once
are all counted, so the lock comes at the fifth."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from portal import create_app, db
from portal.accounts import mfa
from portal.accounts.models import Organisation, OrgKind, RecoveryCode, Role, User, UserSession
from portal.audit.models import AuditEvent
from tests import conftest
from tests.accounts.helpers import password_step
from tests.pages import Client
from tests.review.test_concurrency import at_once


@pytest.fixture
def live(databases):
    """SQLite serialises the requests (BEGIN IMMEDIATE); PostgreSQL shows the race."""
    app = create_app(conftest.test_settings(databases.new()))
    yield app
    app.extensions["portal.db"].engine.dispose()


def seed(app) -> tuple[int, str, str]:
    """A coordinator who can sign in; returns their id, TOTP secret and one recovery code."""
    hasher = app.extensions["portal.hasher"]
    recovery = mfa.new_recovery_codes()[0]
    with db.transaction(app) as session:
        program = Organisation(name="LEAD Program", kind=OrgKind.PROGRAM)
        user = User(organisation=program, role=Role.COORDINATOR, email="casey@example.org",
                    name="Casey", password_hash=hasher.hash("correct horse battery staple 42"),
                    totp_secret=pyotp.random_base32())
        session.add(user)
        session.flush()
        session.add(RecoveryCode(user_id=user.id, code_hash=mfa.recovery_digest(recovery)))
        return user.id, user.totp_secret, recovery


def pending_browsers(app, count: int) -> list[tuple[Client, str]]:
    """Browsers past the password step, each with the code page's CSRF token."""
    browsers = []
    for _ in range(count):
        browser = Client(app.test_client(), app)
        assert password_step(browser, "casey@example.org").status_code == 302
        browsers.append((browser, browser.get("/sign-in/code").csrf_token()))
    return browsers


def send_code(code: str):
    def work(pending):
        browser, token = pending
        return browser.raw.post("/sign-in/code", data={"code": code, "csrf_token": token})
    return work


def live_sessions(app, user_id: int) -> int:
    with db.transaction(app) as session:
        return session.scalar(select(func.count()).select_from(UserSession).where(
            UserSession.user_id == user_id, UserSession.ended_at.is_(None)))


def test_one_totp_code_from_two_pending_sign_ins_gives_one_session(live):
    user_id, secret, _ = seed(live)
    code = pyotp.TOTP(secret).now()
    responses = at_once(send_code(code), pending_browsers(live, 2))
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert live_sessions(live, user_id) == 1


def test_one_recovery_code_from_two_pending_sign_ins_gives_one_session(live):
    user_id, _, recovery = seed(live)
    responses = at_once(send_code(recovery), pending_browsers(live, 2))
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert live_sessions(live, user_id) == 1


def test_ten_wrong_codes_at_once_are_all_counted_and_lock_at_the_fifth(live):
    user_id, _, _ = seed(live)
    responses = at_once(send_code("000000"), pending_browsers(live, 10))
    assert [r.status_code for r in responses] == [200] * 10
    with db.transaction(live) as session:
        user = session.get(User, user_id)
        assert user.locked_until is not None, "five wrong codes lock the account"
        outcomes = session.execute(
            select(AuditEvent.action, AuditEvent.outcome).where(
                AuditEvent.action.in_(["sign_in", "sign_in.code", "account.locked"]))).all()
    assert outcomes.count(("sign_in", "failure")) == 5
    assert outcomes.count(("account.locked", "success")) == 1
    assert outcomes.count(("sign_in.code", "refused")) == 5

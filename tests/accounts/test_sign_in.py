"""Sign-in: lockout, one-use codes, recovery codes, safe redirects, no enumeration, CSRF, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from portal.accounts import operations
from portal.accounts.models import RecoveryCode, Role, User, UserSession
from portal.accounts.passwords import Hasher
from portal.accounts.routes import SIGN_IN_FAILED
from portal.audit.models import AuditEvent
from portal.web.forms import EXPIRED
from tests.accounts.helpers import (
    assert_signed_in,
    assert_signed_out,
    audit_rows,
    client_of,
    code_step,
    count,
    password_step,
    sign_out,
    unit_of_work,
)
from tests.pages import PASSWORD, Page, fresh_code

WRONG = "not the password at all 99"
CODE_REFUSED = ("The code is not right, or it has been used already. Enter the code your "
                "authenticator app shows now")


def start_time() -> datetime:
    """A fixed instant a little ahead of now, in the middle of a TOTP step."""
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    return now.replace(second=10)


def fail_password(client, user, times: int) -> None:
    for _ in range(times):
        page_response = password_step(client, user.email, WRONG)
        assert page_response.status_code == 200
        assert SIGN_IN_FAILED in page_response.get_data(as_text=True)


def refused_with_right_password(client, user) -> None:
    response = password_step(client, user.email, PASSWORD)
    assert response.status_code == 200, "a locked account does not get to the code page"
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


# --- Lockout -------------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_for_ten_minutes(client, new_client, make, session):
    user = make.user(Role.REFERRER)
    bystander = make.user(Role.REFERRER, user.organisation)
    start = start_time()
    with time_machine.travel(start, tick=False):
        fail_password(client, user, 4)
        session.refresh(user)
        assert user.locked_until is None and user.failed_sign_ins == 4
        fail_password(client, user, 1)
        session.refresh(user)
        assert user.locked_until == start + timedelta(minutes=10)
        locks = audit_rows(session, "account.locked", user_id=user.id)
        assert len(locks) == 1 and locks[0].object_id == str(user.id)

        # The right password now fails with the same message as a wrong one.
        refused_with_right_password(new_client(), user)
        # The lock is per account: another user of the same organisation signs in.
        other = new_client()
        assert other.sign_in(bystander).location == "/home"

    with time_machine.travel(start + timedelta(minutes=9, seconds=50), tick=False):
        refused_with_right_password(new_client(), user)

    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        late = new_client()
        response = late.sign_in(user)
        assert response.status_code == 302 and response.location == "/home"
        assert_signed_in(late, user)


def test_the_lock_is_not_extended_or_counted_while_locked(client, make, session):
    user = make.user()
    start = start_time()
    with time_machine.travel(start, tick=False):
        fail_password(client, user, 5)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        fail_password(client, user, 3)
    session.refresh(user)
    assert user.locked_until == start + timedelta(minutes=10)
    assert len(audit_rows(session, "account.locked", user_id=user.id)) == 1


def test_an_administrator_unlocks_at_once(client, new_client, make, session):
    user = make.user(Role.REFERRER)
    admin = make.user(Role.PROGRAM_ADMIN)
    fail_password(client, user, 5)
    session.refresh(user)
    assert user.locked_until is not None

    desk = new_client()
    desk.sign_in(admin)
    assert "Locked" in desk.get(f"/admin/users/{user.id}").text
    response = desk.submit(f"/admin/users/{user.id}/unlock", {}, form_url=f"/admin/users/{user.id}")
    assert response.status_code == 302
    session.refresh(user)
    assert user.locked_until is None and user.failed_sign_ins == 0
    assert audit_rows(session, "account.unlocked", object_id=str(user.id))

    assert client.sign_in(user).location == "/home"


def test_wrong_codes_count_towards_the_same_lock(client, new_client, make, session):
    user = make.user()
    start = start_time()
    with time_machine.travel(start, tick=False):
        fail_password(client, user, 3)
        assert password_step(client, user.email).status_code == 302  # right password
        for _ in range(2):
            page = client.submit_page("/sign-in/code", {"code": "000000"})
            assert page.status == 200 and page.errors
        session.refresh(user)
        assert user.locked_until == start + timedelta(minutes=10)
        assert audit_rows(session, "account.locked", user_id=user.id)

        # Even the right code is refused now, on the page already past the password...
        page = client.submit_page("/sign-in/code", {"code": fresh_code(user)})
        assert page.status == 200 and page.errors
        assert_signed_out(client)
        # ...and the right password is refused too.
        refused_with_right_password(new_client(), user)


def test_a_successful_sign_in_resets_the_count(client, make, session):
    user = make.user()
    fail_password(client, user, 4)
    assert client.sign_in(user).location == "/home"
    session.refresh(user)
    assert user.failed_sign_ins == 0
    sign_out(client)
    fail_password(client, user, 4)
    session.refresh(user)
    assert user.locked_until is None


# --- One-use codes -------------------------------------------------------------------------------

def test_a_replayed_totp_code_is_refused(client, make, session):
    user = make.user()
    with time_machine.travel(start_time(), tick=False):
        code = pyotp.TOTP(user.totp_secret).now()
        assert client.sign_in(user, code=code).location == "/home"
        sign_out(client)

        assert password_step(client, user.email).status_code == 302
        page = client.submit_page("/sign-in/code", {"code": code})
        assert page.status == 200
        assert page.errors == [CODE_REFUSED]
        assert page.value("code") == code
        assert_signed_out(client)


def test_a_code_from_an_older_step_than_the_last_used_is_refused(client, make):
    user = make.user()
    start = start_time()
    totp = pyotp.TOTP(user.totp_secret)
    with time_machine.travel(start, tick=False):
        # The next step's code is accepted (one step of clock drift)...
        assert client.sign_in(user, code=totp.at(start + timedelta(seconds=30))).location == "/home"
        sign_out(client)
        # ...after which the current step's code, never used itself, is refused too.
        assert password_step(client, user.email).status_code == 302
        assert code_step(client, totp.at(start)).status_code == 200
        assert_signed_out(client)


def test_a_recovery_code_works_once(app, client, make, session):
    user = make.user()
    with unit_of_work(app) as work:
        codes = operations.replace_recovery_codes(work.get(User, user.id))
    assert len(codes) == 10 and len(set(codes)) == 10

    assert password_step(client, user.email).status_code == 302
    response = code_step(client, codes[3].lower())
    assert response.status_code == 302 and response.location == "/home"
    assert_signed_in(client, user)
    assert audit_rows(session, "recovery_code.used", user_id=user.id)
    sign_out(client)

    assert password_step(client, user.email).status_code == 302
    assert code_step(client, codes[3]).status_code == 200
    assert_signed_out(client)
    # Another code still works.
    assert code_step(client, codes[4]).location == "/home"


def test_recovery_codes_are_stored_hashed(app, make, session):
    user = make.user()
    with unit_of_work(app) as work:
        codes = operations.replace_recovery_codes(work.get(User, user.id))
    stored = [row.code_hash for row in session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id))]
    assert len(stored) == 10
    for code in codes:
        assert not any(code in value or code.replace("-", "") in value for value in stored)


def test_the_password_alone_reaches_no_page(client, make):
    user = make.user(Role.COORDINATOR)
    assert password_step(client, user.email).status_code == 302
    for url in ("/home", "/profile", "/admin/organisations", "/audit/"):
        assert_signed_out(client, url)
    assert client.get("/sign-in/code").title.startswith("Enter your code")


def test_new_recovery_codes_replace_the_old_ones(client, make, session):
    user = make.user()
    client.sign_in(user)
    first = client.submit_page("/profile/recovery-codes", {}, form_url="/profile")
    old = [li.get_text(strip=True) for li in first.soup.select("#recovery-codes li")]
    second = client.submit_page("/profile/recovery-codes", {}, form_url="/profile")
    new = [li.get_text(strip=True) for li in second.soup.select("#recovery-codes li")]
    assert len(old) == len(new) == 10 and not set(old) & set(new)
    sign_out(client)
    assert password_step(client, user.email).status_code == 302
    assert code_step(client, old[0]).status_code == 200
    assert code_step(client, new[0]).location == "/home"


# --- Where sign-in leads -------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)",
    "///evil.example", "/\\/evil.example", "\\\\evil.example", "http:/evil.example",
    " //evil.example", "/\r\nSet-Cookie:x", "/\t/evil.example",
])
def test_next_never_leaves_the_site(client, make, target):
    user = make.user()
    assert password_step(client, user.email, next_value=target).status_code == 302
    response = code_step(client, fresh_code(user))
    assert response.status_code == 302
    assert response.location == "/home"


def test_next_to_a_page_on_the_site_is_followed(client, make):
    user = make.user()
    assert password_step(client, user.email, next_value="/profile").status_code == 302
    assert code_step(client, fresh_code(user)).location == "/profile"


def test_a_signed_out_visit_comes_back_to_the_page_after_sign_in(client, make):
    user = make.user()
    location = assert_signed_out(client, "/profile")
    assert location == "/sign-in?next=/profile"
    page = client.get(location)
    assert page.value("next") == "/profile"
    assert password_step(client, user.email, next_value="/profile").status_code == 302
    assert code_step(client, fresh_code(user)).location == "/profile"


# --- No enumeration ------------------------------------------------------------------------------

class CountingHasher(Hasher):
    def __init__(self, profile: str):
        super().__init__(profile)
        self.verified: list[str | None] = []

    def verify(self, stored, password):
        self.verified.append(stored)
        return super().verify(stored, password)


def test_unknown_user_and_wrong_password_look_the_same(app, client, new_client, make, monkeypatch):
    user = make.user()
    invited = make.user(enrolled=False)
    disabled = make.user(disabled_at=datetime.now(UTC))
    hasher = CountingHasher("fast")
    monkeypatch.setitem(app.extensions, "portal.hasher", hasher)

    answers = {}
    for label, email_address, password in [
        ("unknown", "nobody-here@example.org", WRONG),
        ("wrong password", user.email, WRONG),
        ("not enrolled", invited.email, WRONG),
        ("disabled", disabled.email, PASSWORD),
    ]:
        before = len(hasher.verified)
        response = password_step(new_client(), email_address, password)
        page = Page(response)
        assert len(hasher.verified) == before + 1, f"{label}: a password hash is checked"
        answers[label] = (response.status_code, page.title, page.errors, page.text,
                          page.value("email") == email_address)

    assert hasher.verified[0] is None, "the unknown user is checked against the dummy hash"
    first = answers["unknown"]
    assert first[0] == 200 and first[2] == [SIGN_IN_FAILED] and first[4]
    for label, answer in answers.items():
        assert answer == first, label


def test_sign_in_failures_are_audited_without_the_password(client, make, session):
    user = make.user()
    password_step(client, user.email, WRONG)
    password_step(client, "nobody-here@example.org", WRONG)
    failures = audit_rows(session, "sign_in", user_id=user.id, outcome="failure")
    assert failures and failures[0].detail == {"reason": "wrong password"}
    unknown = audit_rows(session, "sign_in.password", outcome="failure")
    assert unknown and unknown[-1].user_id is None
    for event in session.query(AuditEvent).all():
        assert WRONG not in str(event.detail) and "nobody-here" not in str(event.detail)


# --- CSRF ----------------------------------------------------------------------------------------

def test_sign_in_without_a_csrf_token_is_refused(client, make, session):
    user = make.user()
    client.get("/sign-in")
    sessions_before = count(session, UserSession)
    events_before = count(session, AuditEvent)
    response = client.raw.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    page = Page(response)
    page.check_invariants()
    assert page.errors == [EXPIRED]
    assert page.value("email") == user.email
    assert count(session, UserSession) == sessions_before
    # The only row written is the refusal itself (issue 10 item 5: CSRF failures are audited).
    assert count(session, AuditEvent) == events_before + 1
    assert session.query(AuditEvent).order_by(AuditEvent.id.desc()).first().action == "csrf.refused"
    assert client.raw.get("/sign-in/code").status_code == 302, "no half-signed-in state either"


def test_sign_in_with_a_bad_csrf_token_is_refused(client, make):
    user = make.user()
    client.get("/sign-in")
    response = client.raw.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": "forged"})
    assert response.status_code == 200
    assert_signed_out(client)


def test_sign_out_needs_a_csrf_token(client, make):
    user = make.user()
    client.sign_in(user)
    assert client.raw.post("/sign-out").status_code == 400
    assert_signed_in(client, user)


# --- Rate limits ---------------------------------------------------------------------------------

def test_sign_in_is_rate_limited_per_address(other_app, make):
    limited = client_of(other_app(ratelimit_enabled=True))
    with time_machine.travel(start_time(), tick=False):
        for n in range(10):
            response = limited.raw.post("/sign-in", data={"email": f"someone{n}@example.org",
                                                          "password": WRONG})
            assert response.status_code == 200, n
        response = limited.raw.post("/sign-in", data={"email": "another@example.org",
                                                      "password": WRONG})
        assert response.status_code == 429
        assert response.headers["Retry-After"]
        assert "Too many attempts" in response.get_data(as_text=True)
        # Another address is not affected.
        elsewhere = limited.raw.post("/sign-in", data={"email": "x@example.org", "password": WRONG},
                                     environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert elsewhere.status_code == 200


def test_sign_in_is_rate_limited_per_account_across_addresses(other_app):
    limited = client_of(other_app(ratelimit_enabled=True))
    with time_machine.travel(start_time(), tick=False):
        for n in range(30):
            response = limited.raw.post("/sign-in", data={"email": "Target@example.org ",
                                                          "password": WRONG},
                                        environ_base={"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"})
            assert response.status_code == 200, n
        response = limited.raw.post("/sign-in", data={"email": "target@example.org",
                                                      "password": WRONG},
                                    environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert response.status_code == 429

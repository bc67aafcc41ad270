"""Client addresses behind a proxy, and rate limits shared by every worker (issue 10, item 9).

X-Forwarded-For is believed only as far as TRUSTED_PROXIES says; production keeps its counts in
a shared store (Redis), so that one worker's count is every worker's."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import uuid

import pytest
import time_machine

from portal import create_app
from portal.config import ROOT, ConfigError, from_env
from tests import conftest
from tests.accounts.helpers import audit_rows, client_of
from tests.accounts.test_sign_in import start_time

WRONG = "not the password at all 99"
REDIS = "redis://127.0.0.1:6379/0"


def sign_in_from(client, forwarded_for: str, email: str = "nobody@example.org"):
    token = client.get("/sign-in").csrf_token()
    return client.raw.post("/sign-in", data={"email": email, "password": WRONG,
                                             "csrf_token": token},
                           headers={"X-Forwarded-For": forwarded_for})


def test_without_trusted_proxies_the_forwarded_header_is_ignored(other_app, session):
    app = other_app(ratelimit_enabled=True)
    client = client_of(app)
    with time_machine.travel(start_time(), tick=False):
        for n in range(10):
            assert sign_in_from(client, f"203.0.113.{n}").status_code == 200
        # A made-up header does not buy a fresh count: the address is the connection's.
        assert sign_in_from(client, "203.0.113.99").status_code == 429
    assert {row.source_address for row in audit_rows(session, "sign_in.password")} == {"127.0.0.1"}


def test_behind_one_trusted_proxy_the_client_address_counts(other_app, session):
    app = other_app(ratelimit_enabled=True, trusted_proxies=1)
    client = client_of(app)
    with time_machine.travel(start_time(), tick=False):
        for _ in range(10):
            # The client's own forged entry is left of the one the proxy added: not believed.
            assert sign_in_from(client, "10.6.6.6, 203.0.113.7").status_code == 200
        assert sign_in_from(client, "203.0.113.7").status_code == 429
        # Someone else behind the same proxy is not locked out by that one client.
        assert sign_in_from(client, "203.0.113.8").status_code == 200
    addresses = [row.source_address for row in audit_rows(session, "sign_in.password")]
    assert addresses == ["203.0.113.7"] * 10 + ["203.0.113.8"]


@pytest.mark.parametrize("value, words", [("", "RATELIMIT_STORAGE_URI"),
                                          ("memory://", "shared store"),
                                          ("2", None)])
def test_production_refuses_per_worker_rate_limits(value, words):
    environment = {"LEAD_ENV": "production", "SECRET_KEY": "0123456789abcdef" * 4}
    if words is None:
        assert from_env({**environment, "TRUSTED_PROXIES": value,
                         "RATELIMIT_STORAGE_URI": REDIS}).trusted_proxies == 2
        return
    if value:
        environment["RATELIMIT_STORAGE_URI"] = value
    with pytest.raises(ConfigError, match=words):
        from_env(environment)
    assert from_env({**environment, "RATELIMIT_STORAGE_URI": REDIS}).ratelimit_storage_uri == REDIS
    # A single development server keeps its counts in memory.
    assert from_env({"LEAD_ENV": "development"}).ratelimit_storage_uri == "memory://"


def test_trusted_proxies_must_be_a_whole_number():
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        from_env({"LEAD_ENV": "development", "TRUSTED_PROXIES": "one"})


def _redis_up() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return True
    return False


WORKER = textwrap.dedent("""
    import sys
    from portal import create_app
    from tests.conftest import test_settings
    url, address, email = sys.argv[1:4]
    app = create_app(test_settings(url, ratelimit_enabled=True, trusted_proxies=1,
                                   ratelimit_storage_uri="%s"))
    client = app.test_client()
    for _ in range(10):
        response = client.post("/sign-in", data={"email": email, "password": "x"},
                               headers={"X-Forwarded-For": address})
        assert response.status_code == 200, response.status_code
    print("ok")
""" % REDIS)


def test_two_workers_share_their_counts_through_redis(databases):
    conftest.need(_redis_up(), "Redis is not running at 127.0.0.1:6379")
    url = databases.new()
    # An address and an account of this run only, so that no other run's counts meet these.
    address = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    email = f"worker-{uuid.uuid4().hex[:12]}@example.org"
    first = subprocess.run([sys.executable, "-c", WORKER, url, address, email], text=True,
                           capture_output=True, timeout=120, cwd=ROOT)
    assert first.stdout.strip() == "ok", first.stderr
    second = create_app(conftest.test_settings(url, ratelimit_enabled=True, trusted_proxies=1,
                                               ratelimit_storage_uri=REDIS))
    try:
        response = second.test_client().post("/sign-in", data={"email": email, "password": "x"},
                                              headers={"X-Forwarded-For": address})
        assert response.status_code == 429, "the other worker's ten attempts count here too"
    finally:
        second.extensions["portal.db"].engine.dispose()
        # The shared limiter goes back to memory for the tests that follow (no reset: that
        # would clear every key in this Redis).
        create_app(conftest.test_settings(url)).extensions["portal.db"].engine.dispose()

"""The `lead-portal` command as a newcomer and an operator use it."""

import os
import subprocess
import sys

import pyotp
import pytest
from sqlalchemy import create_engine, func, select

from portal.accounts.models import User
from portal.demo.accounts import ACCOUNTS, PASSWORD

COMMAND = [sys.executable, "-m", "portal.cli"]


def run(*args, env_changes=None, check=True):
    env = {**os.environ, **(env_changes or {})}
    result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def fresh_database(databases):
    return databases.new(migrated=False)


def test_upgrade_then_demo_twice_gives_one_set_of_accounts(fresh_database):
    env = {"DATABASE_URL": fresh_database, "LEAD_ENV": "development"}
    run("db", "upgrade", env_changes=env)
    first = run("demo", env_changes=env).stdout
    run("demo", env_changes=env)
    for account in ACCOUNTS:
        assert account.email in first and account.totp_secret in first
    assert PASSWORD in first
    engine = create_engine(fresh_database)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User)) == len(ACCOUNTS)
    engine.dispose()
    code = run("demo", "code", ACCOUNTS[0].email, env_changes=env).stdout.strip()
    assert pyotp.TOTP(ACCOUNTS[0].totp_secret).verify(code, valid_window=1)


def test_production_without_a_strong_secret_key_refuses_to_start(fresh_database):
    for key in ["", "changeme", "short-key"]:
        result = run("routes", env_changes={"LEAD_ENV": "production", "SECRET_KEY": key,
                                            "DATABASE_URL": fresh_database}, check=False)
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_production_refuses_demo_data(fresh_database):
    env = {"LEAD_ENV": "production", "SECRET_KEY": "0123456789abcdef" * 4,
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "DATABASE_URL": fresh_database}
    result = run("demo", env_changes=env, check=False)
    assert result.returncode != 0 and "development only" in result.stderr
    result = run("demo", "code", ACCOUNTS[0].email, env_changes=env, check=False)
    assert result.returncode != 0


def test_invite_admin_prints_a_working_link(fresh_database):
    env = {"DATABASE_URL": fresh_database}
    run("db", "upgrade", env_changes=env)
    out = run("invite-admin", "chief@lead.example", "--name", "Pat Chief", env_changes=env).stdout
    assert "/invitation/" in out

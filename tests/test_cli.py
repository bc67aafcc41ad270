"""The `lead-portal` command as a newcomer and an operator use it."""

import os
import subprocess
import sys

import pyotp
import pytest
from sqlalchemy import create_engine, func, select

from portal.accounts.models import User
from portal.config import ROOT
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


def _make_run(*variables, env):
    """`make run` with the install steps taken as done (the venv is already installed) and the
    app run from this checkout; SERVE, its last step, is replaced so that it ends."""
    portal = f"{sys.executable} -m portal.cli"
    invite = f"{portal} invite-admin newcomer@lead.example --name 'Nia Newcomer'"
    environ = {key: value for key, value in os.environ.items()
               if key not in {"PUBLIC_URL", "FLASK_RUN_HOST", "FLASK_RUN_PORT"}}
    result = subprocess.run(
        ["make", "-s", "run", *variables, f"PORTAL={portal}", f"SERVE={invite}",
         "-o", ".venv/.stamp-app", "-o", "static/uswds/.stamp"],
        cwd=ROOT, capture_output=True, text=True, env={**environ, **env}, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_with_a_port_makes_invitation_links_to_that_port(fresh_database):
    out = _make_run("PORT=5101", env={"DATABASE_URL": fresh_database})
    link = next(line for line in out.splitlines() if "/invitation/" in line)
    assert link.startswith("http://127.0.0.1:5101/invitation/"), link


def test_make_run_with_a_host_links_to_that_host(fresh_database):
    out = _make_run("HOST=localhost", "PORT=5102", env={"DATABASE_URL": fresh_database})
    assert "http://localhost:5102/invitation/" in out


def test_public_url_when_set_wins_over_the_port(fresh_database):
    out = _make_run("PORT=5101", env={"DATABASE_URL": fresh_database,
                                      "PUBLIC_URL": "https://lead.example.org/"})
    assert "https://lead.example.org/invitation/" in out

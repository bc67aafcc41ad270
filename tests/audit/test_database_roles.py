"""The application's database role cannot rewrite the audit log (issue 10, item 18).

The migration, run by the owner with APP_DB_ROLE naming the application's role, grants that
role SELECT and INSERT only on audit_events; not owning the table, it cannot disable its
triggers either. On SQLite there are no roles: the migration skips the grants quietly and the
triggers are the guard."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import TEST_DATABASE_URL, migrate

INSERT = ("INSERT INTO audit_events (at, action, outcome, detail) "
          "VALUES (now(), 'role.test', 'success', '{}')")
REFUSED = [
    "UPDATE audit_events SET action = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change",
    "DROP TRIGGER audit_events_no_change ON audit_events",
    "INSERT INTO alembic_version VALUES ('x')",
]


def _drop_role(url: str, name: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
        connection.exec_driver_sql(f'DROP ROLE "{name}"')
    engine.dispose()


def _as_role(engine, role: str, sql: str):
    with engine.connect() as connection, connection.begin():
        connection.exec_driver_sql(f'SET LOCAL ROLE "{role}"')
        return connection.exec_driver_sql(sql)


def test_the_app_role_cannot_change_or_unguard_audit_rows(databases, is_postgres, monkeypatch):
    if not is_postgres:
        monkeypatch.setenv("APP_DB_ROLE", "lead_app")  # skipped quietly: SQLite has no roles
        url = databases.new()
        engine = create_engine(url)
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("INSERT INTO audit_events (at, action, outcome, detail) "
                                    "VALUES ('2026-01-01', 'x', 'success', '{}')"))
            connection.execute(text("DELETE FROM audit_events"))
        engine.dispose()
        return
    _on_postgres(databases, monkeypatch)


def _on_postgres(databases, monkeypatch):
    name = f"lead_app_{uuid.uuid4().hex[:10]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{name}" NOLOGIN')
    admin.dispose()
    url = databases.new(migrated=False)
    monkeypatch.setenv("APP_DB_ROLE", f"no_such_role_{uuid.uuid4().hex[:8]}")
    with pytest.raises(RuntimeError, match="does not exist"):
        migrate(url)  # a misspelt role stops the migration instead of granting nothing
    monkeypatch.setenv("APP_DB_ROLE", name)
    try:
        migrate(url)
        engine = create_engine(url)
        _as_role(engine, name, INSERT)
        assert _as_role(engine, name, "SELECT count(*) FROM audit_events").scalar_one() == 1
        # What the application needs elsewhere it has.
        _as_role(engine, name, "UPDATE users SET failed_sign_ins = 0")
        _as_role(engine, name, "SELECT count(*) FROM referrals")
        for statement in REFUSED:
            with pytest.raises(DBAPIError) as refused:
                _as_role(engine, name, statement)
            assert "permission denied" in str(refused.value) or "must be owner" in str(
                refused.value), statement
        assert _as_role(engine, name, "SELECT count(*) FROM audit_events").scalar_one() == 1
        engine.dispose()
    finally:
        _drop_role(url, name)

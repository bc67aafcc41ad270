"""The test harness: one database per run, one rolled-back transaction per test.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (the run makes and drops a database
of its own). Tests needing PostgreSQL, Chromium or poppler skip with a reason when those are
missing, unless LEAD_REQUIRE_ALL=1 (CI), which turns each such skip into a failure.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts.models import Role
from portal.cli import alembic_config
from portal.config import Settings
from tests import factories
from tests.pages import Client

REQUIRE_ALL = os.environ.get("LEAD_REQUIRE_ALL") == "1"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def need(available: bool, reason: str) -> None:
    """Skip for a newcomer without the tool; fail in CI, where everything must run."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"LEAD_REQUIRE_ALL is set but {reason}")
    pytest.skip(reason)


def migrate(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")


class Databases:
    """Makes fresh, migrated databases of the kind this run tests, and drops them at the end."""

    def __init__(self, base_dir):
        self.base_dir = base_dir
        self.made: list[str] = []

    def new(self, migrated: bool = True) -> str:
        if TEST_DATABASE_URL:
            url = self._new_postgres()
        else:
            url = f"sqlite:///{self.base_dir / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        if migrated:
            migrate(url)
        return url

    def _new_postgres(self) -> str:
        name = f"lead_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        self.made.append(name)
        return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.made:
            return
        admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def database_url(databases) -> str:
    return databases.new()


def test_settings(database_url: str, **changes) -> Settings:
    settings = Settings(env="development", secret_key="x" * 16 + uuid.uuid4().hex,
                        database_url=database_url, argon2_profile="fast",
                        ratelimit_enabled=False, testing=True, public_url="http://localhost")
    return settings.with_(**changes)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(test_settings(database_url))
    yield app
    app.extensions["portal.db"].engine.dispose()


@pytest.fixture
def connection(app):
    """The test's transaction: the app's own commits become savepoints inside it."""
    database = app.extensions["portal.db"]
    with database.engine.connect() as connection:
        transaction = connection.begin()
        database.bind_to(connection)
        try:
            yield connection
        finally:
            database.unbind()
            transaction.rollback()


@pytest.fixture
def session(connection) -> Session:
    """For factories and assertions: sees what the app wrote, inside the same transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint",
                 expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def app_context(app, connection):
    with app.app_context():
        yield


@pytest.fixture
def make(session, app):
    return factories.Factory(session, app)


@pytest.fixture
def client(app, connection) -> Client:
    return Client(app.test_client(), app)


@pytest.fixture
def new_client(app, connection):
    """Another browser: ``new_client()`` for a second person signed in at once."""
    return lambda: Client(app.test_client(), app)


@pytest.fixture
def signed_in(new_client, make):
    """``signed_in(user)``: another browser, signed in (both factors) as ``user``; or as a new
    user, ``signed_in(role=..., organisation=..., kind=...)``. The user is ``browser.user``."""

    def sign_in_as(user=None, *, password: str | None = None, **user_fields) -> Client:
        user = user or make.user(user_fields.pop("role", Role.REFERRER), **user_fields)
        browser = new_client()
        response = browser.sign_in(user, **({"password": password} if password else {}))
        assert response.status_code == 302 and response.location == "/home", "signed in"
        browser.user = user
        return browser

    return sign_in_as


@pytest.fixture
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")

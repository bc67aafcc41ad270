"""The engine, one session per request, and one commit per request.

Views and operations never commit. The request boundary (``after_request``) commits when the response
is a success or a redirect and rolls back otherwise; work that leaves the building (email) is queued
with ``after_commit`` and runs only once the commit has succeeded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no zone) and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        _make_sqlite_transactional(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; take it over (SQLAlchemy's recipe).

    BEGIN IMMEDIATE takes the write lock at the start, so two requests never deadlock upgrading
    a read lock, at the cost of serialising writers, which SQLite does anyway.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        self._factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._default_factory = self._factory

    def new_session(self) -> Session:
        return self._factory()

    def bind_to(self, connection: Connection) -> None:
        """Tests: run the app's sessions inside the test's transaction, committing to savepoints."""
        self._factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def unbind(self) -> None:
        self._factory = self._default_factory


def init_app(app: Flask, url: str) -> Database:
    database = Database(url)
    app.extensions["portal.db"] = database
    app.after_request(_commit_or_rollback)
    app.teardown_request(_close)
    return database


def database() -> Database:
    return current_app.extensions["portal.db"]


def session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().new_session()
        g.after_commit = []
    return g.db_session


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once this request's transaction has committed, never if it rolls back."""
    session()
    g.after_commit.append(callback)


def _commit_or_rollback(response: Response) -> Response:
    db_session = g.get("db_session")
    if db_session is None:
        return response
    if response.status_code < 400:
        try:
            db_session.commit()
        except StaleDataError as error:
            # Another request changed the row after this one's last flush: the error handler
            # (409, nothing saved) answers, as it does when the flush comes inside the view.
            db_session.rollback()
            return current_app.make_response(current_app.handle_user_exception(error))
        callbacks, g.after_commit = g.after_commit, []
        for callback in callbacks:
            callback()
    else:
        db_session.rollback()
    return response


def _close(_error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


@contextlib.contextmanager
def transaction(app: Flask) -> Iterator[Session]:
    """One unit of work outside a request (the command line): commit at the end or roll back."""
    with app.app_context():
        db_session = session()
        try:
            yield db_session
            db_session.commit()
            for callback in g.pop("after_commit", []):
                callback()
        except BaseException:
            db_session.rollback()
            raise
        finally:
            g.pop("db_session", None)
            db_session.close()

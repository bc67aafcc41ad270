"""The schema at the Alembic head equals the models; every revision goes up and down with data."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, select, text

from datetime import UTC, datetime

from portal.cli import alembic_config
from portal.models import metadata


def test_head_equals_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_every_revision_upgrades_and_downgrades_with_data(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    engine = create_engine(url)
    for revision in revisions:
        command.upgrade(config, revision.revision)
        _put_data_in_every_table(engine)
    for revision in reversed(revisions):
        command.downgrade(config, revision.down_revision or "base")
    with engine.connect() as connection:
        tables = {t for t in metadata.tables if connection.dialect.has_table(connection, t)}
    assert tables == set()
    command.upgrade(config, "head")
    engine.dispose()


WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _put_data_in_every_table(engine):
    """Rows that later revisions and downgrades must carry or drop cleanly."""
    with engine.begin() as connection:
        if connection.execute(select(text("1")).select_from(text("organisations"))).first():
            return
        org = connection.execute(insert(metadata.tables["organisations"]).values(
            name="Migration Test Agency", kind="law_enforcement",
            created_at=WHEN)).inserted_primary_key[0]
        connection.execute(insert(metadata.tables["users"]).values(
            organisation_id=org, email="m@example.org", name="M", role="referrer",
            totp_last_step=0, failed_sign_ins=0, created_at=WHEN))
        connection.execute(insert(metadata.tables["audit_events"]).values(
            at=WHEN, action="migration.test", outcome="success", detail={}))


def test_the_audit_log_is_append_only_in_the_database(session, app_context):
    from portal import audit, db
    from portal.audit.models import AuditEvent

    event = audit.record("test.event")
    session_of_app = db.session()
    session_of_app.flush()
    for statement in (f"UPDATE audit_events SET action = 'changed' WHERE id = {event.id}",
                      f"DELETE FROM audit_events WHERE id = {event.id}"):
        nested = session_of_app.begin_nested()
        try:
            session_of_app.execute(text(statement))
        except Exception as error:  # the driver's IntegrityError or InternalError
            assert "append-only" in str(error)
            nested.rollback()
        else:
            raise AssertionError(f"the database allowed: {statement}")
    assert session_of_app.get(AuditEvent, event.id).action == "test.event"

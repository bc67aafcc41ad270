"""The stored-documents revision goes up and down with a stored PDF in the table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _revision(config):
    """The revision that creates stored_documents."""
    for script in ScriptDirectory.from_config(config).walk_revisions():
        if "create_table('stored_documents'" in Path(script.path).read_text():
            return script
    raise AssertionError("no receipts revision")


def test_the_receipts_revision_upgrades_and_downgrades_with_a_document(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    ours = _revision(config)
    command.upgrade(config, ours.revision)
    engine = create_engine(url)
    _store_a_document(engine)
    command.downgrade(config, ours.down_revision)
    assert "stored_documents" not in inspect(engine).get_table_names()
    with engine.connect() as connection:  # what the revision does not own is still there
        assert connection.scalar(select(metadata.tables["referrals"].c.reference)) == "ABCD-EFGH"
    command.upgrade(config, "head")
    assert "stored_documents" in inspect(engine).get_table_names()
    engine.dispose()


def _store_a_document(engine) -> None:
    tables = metadata.tables
    with engine.begin() as connection:
        org = connection.execute(insert(tables["organisations"]).values(
            name="Migration Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
        user = connection.execute(insert(tables["users"]).values(
            organisation_id=org, email="m@example.org", name="M", role="referrer",
            totp_last_step=0, failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
        referral = connection.execute(insert(tables["referrals"]).values(
            reference="ABCD-EFGH", route="arrest_diversion", status="draft", organisation_id=org,
            referrer_id=user, answers={}, created_at=WHEN, updated_at=WHEN,
            version=1)).inserted_primary_key[0]
        connection.execute(insert(tables["stored_documents"]).values(
            referral_id=referral, kind="receipt", language="en", paper_size="Letter",
            template_version="1+0123456789abcdef", renderer="WeasyPrint 70.0", sha256="0" * 64,
            content=b"%PDF-1.7", created_at=WHEN, created_by_id=user))

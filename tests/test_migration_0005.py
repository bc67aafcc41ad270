"""Revision 0005_security rewrites stored addresses in the form they are now compared in."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, insert, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def test_stored_addresses_are_normalised_unless_that_would_merge_two(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0004")
    engine = create_engine(url)
    users = metadata.tables["users"]
    typed = ["Ｐat@Example.ORG", "oﬃcer@police.example", "Dana@x.org", "dana@x.org"]
    with engine.begin() as connection:
        org = connection.execute(insert(metadata.tables["organisations"]).values(
            name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
        for n, email in enumerate(typed):
            connection.execute(insert(users).values(
                organisation_id=org, email=email, name=f"U{n}", role="referrer", totp_last_step=0,
                failed_sign_ins=0, created_at=WHEN))
    command.upgrade(config, "head")
    with engine.connect() as connection:
        stored = connection.execute(select(users.c.email).order_by(users.c.id)).scalars().all()
    engine.dispose()
    assert stored == ["pat@example.org", "officer@police.example", "Dana@x.org", "dana@x.org"]

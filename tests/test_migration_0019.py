"""Revision 0019_duplicate_flag keeps the possible-duplicate pairs of the referrals already sent,
matched as the queue matched them on each page before (both directions)."""

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import create_engine, insert, inspect, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _people(connection) -> tuple[int, int]:
    org = connection.execute(insert(metadata.tables["organisations"]).values(
        name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
    user = connection.execute(insert(metadata.tables["users"]).values(
        organisation_id=org, email="w@example.org", name="W", role="referrer", totp_last_step=0,
        failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
    return org, user


def _sent(connection, org, user, number, name, born, search_names=None) -> int:
    return connection.execute(insert(metadata.tables["referrals"]).values(
        route="social_contact", status="submitted", organisation_id=org, referrer_id=user,
        answers={}, created_at=WHEN, updated_at=WHEN, submitted_at=WHEN, version=2,
        reference=f"AB{number:02d}-CD{number:02d}", legal_name=name, date_of_birth=born,
        search_names=search_names)).inserted_primary_key[0]


def test_existing_referrals_get_their_pairs_and_the_table_goes_on_downgrade(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0013_intake")
    engine = create_engine(url)
    with engine.begin() as connection:
        org, user = _people(connection)
        jon = _sent(connection, org, user, 1, "Jon Smith", date(1979, 6, 14), "jon smith")
        john = _sent(connection, org, user, 2, "John Smith", date(1979, 6, 14), "john smith")
        # Day and month swapped, and known by another name.
        bobby = _sent(connection, org, user, 3, "Robert Nguyen", date(1990, 3, 7),
                      "robert nguyen | bobby tran")
        tran = _sent(connection, org, user, 4, "Bobby Tran", date(1990, 7, 3), "bobby tran")
        _sent(connection, org, user, 5, "Joan Smyth", date(1979, 6, 14), "joan smyth")
        _sent(connection, org, user, 6, "John Smith", date(1979, 6, 15), "john smith")
    command.upgrade(config, "0019_duplicate_flag")
    pairs = metadata.tables["duplicate_pairs"]
    with engine.connect() as connection:
        stored = set(connection.execute(select(pairs.c.referral_id, pairs.c.other_id)).all())
    assert stored == {(jon, john), (john, jon), (bobby, tran), (tran, bobby)}
    command.downgrade(config, "0013_intake")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "duplicate_pairs" not in tables and "referrals" in tables

"""Revision 0009_expiry gives every stored consent its last day, from the term of its text."""

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import create_engine, insert, inspect, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _a_referral(connection, org: int, user: int) -> int:
    return connection.execute(insert(metadata.tables["referrals"]).values(
        route="social_contact", status="draft", organisation_id=org, referrer_id=user,
        answers={}, created_at=WHEN, updated_at=WHEN, version=1)).inserted_primary_key[0]


def _people(connection) -> tuple[int, int]:
    org = connection.execute(insert(metadata.tables["organisations"]).values(
        name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
    user = connection.execute(insert(metadata.tables["users"]).values(
        organisation_id=org, email="w@example.org", name="W", role="referrer", totp_last_step=0,
        failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
    return org, user


def test_existing_consents_get_their_texts_term_and_the_column_goes_on_downgrade(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0008")
    engine = create_engine(url)
    consents = metadata.tables["consents"]
    signed = {"social_contact-2026.1-en": date(2026, 1, 31), "social_contact-2026.1-es": date(2024, 2, 29),
              "a-text-no-longer-known": date(2026, 3, 1)}
    with engine.begin() as connection:
        org, user = _people(connection)
        for text_id, signed_on in signed.items():
            connection.execute(insert(consents).values(
                referral_id=_a_referral(connection, org, user), text_id=text_id, text_version="2026.1",
                text_sha256="0" * 64, language="en", signature="A Person", signed_on=signed_on,
                confirmed=True, witness_id=user, status="active", created_at=WHEN))
    command.upgrade(config, "0009_expiry")
    with engine.connect() as connection:
        stored = connection.execute(select(consents.c.expires_on).order_by(consents.c.id)).scalars().all()
    assert stored == [date(2027, 1, 31), date(2025, 2, 28), None]
    command.downgrade(config, "0008")
    columns = {column["name"] for column in inspect(engine).get_columns("consents")}
    engine.dispose()
    assert "expires_on" not in columns and "signed_on" in columns

"""Revision 0012_prosecutor: the organisation kind and role `prosecutor` are accepted after it and
refused before it, and arrest diversions already decided are backfilled into the office's list."""

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 3, 9, 0, tzinfo=UTC)


def _referrals(connection):
    organisations, users = metadata.tables["organisations"], metadata.tables["users"]
    org = connection.execute(insert(organisations).values(
        name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
    user = connection.execute(insert(users).values(
        organisation_id=org, email="u@example.org", name="U", role="referrer",
        totp_last_step=0, failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
    common = {"organisation_id": org, "referrer_id": user, "answers": {}, "created_at": WHEN,
              "updated_at": WHEN, "version": 1, "submitted_at": WHEN, "legal_name": "A B",
              "date_of_birth": date(1990, 1, 1), "screening_decision": "eligible"}
    made = {}
    for reference, route, status in (("ARRE-STAC", "arrest_diversion", "withdrawn"),
                                     ("ARRE-STSU", "arrest_diversion", "submitted"),
                                     ("SOCI-ALWD", "social_contact", "withdrawn")):
        ident = connection.execute(insert(metadata.tables["referrals"]).values(
            reference=reference, route=route, status=status, **common)).inserted_primary_key[0]
        made[reference] = ident
        events = metadata.tables["referral_events"]
        connection.execute(insert(events).values(referral_id=ident, at=WHEN, actor_id=user,
                                                 from_status="draft", to_status="submitted"))
        if status == "withdrawn":
            connection.execute(insert(events).values(referral_id=ident, at=LATER, actor_id=user,
                                                     from_status="submitted", to_status=status))
    return made


def test_the_kind_and_role_arrive_and_decided_arrest_diversions_are_backfilled(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0010_search")
    engine = create_engine(url)
    organisations = metadata.tables["organisations"]
    with engine.begin() as connection:
        made = _referrals(connection)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(organisations).values(name="DA", kind="prosecutor",
                                                        created_at=WHEN))
    command.upgrade(config, "0012_prosecutor")
    with engine.begin() as connection:
        office = connection.execute(insert(organisations).values(
            name="DA", kind="prosecutor", created_at=WHEN)).inserted_primary_key[0]
        connection.execute(insert(metadata.tables["users"]).values(
            organisation_id=office, email="da@example.org", name="D", role="prosecutor",
            totp_last_step=0, failed_sign_ins=0, created_at=WHEN))
        updates = metadata.tables["prosecutor_updates"]
        backfilled = connection.execute(select(updates.c.referral_id, updates.c.change,
                                               updates.c.changed_at)).all()
    assert [(ident, change) for ident, change, _ in backfilled] == [(made["ARRE-STAC"], "withdrawn")]
    assert backfilled[0].changed_at.replace(tzinfo=UTC) == LATER
    with pytest.raises(RuntimeError, match="prosecutor's office"):
        command.downgrade(config, "0010_search")  # its users are in the append-only audit log
    with engine.begin() as connection:
        connection.execute(metadata.tables["users"].delete().where(
            metadata.tables["users"].c.role == "prosecutor"))
        connection.execute(organisations.delete().where(organisations.c.kind == "prosecutor"))
    command.downgrade(config, "0010_search")
    tables = set(inspect(engine).get_table_names())
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(organisations).values(name="DA", kind="prosecutor",
                                                        created_at=WHEN))
    engine.dispose()
    assert "prosecutor_updates" not in tables and "prosecutor_agencies" not in tables

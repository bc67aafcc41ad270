"""Revision 0014_report_cells fills the report's cells from the referrals already stored."""

from datetime import UTC, date, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # late in the UTC day: the day must not shift
DECIDED = datetime(2026, 3, 6, 1, 0, tzinfo=UTC)


def test_the_cells_are_counted_from_the_referrals_already_stored(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    before = ScriptDirectory.from_config(config).get_revision("0014_report_cells").down_revision
    command.upgrade(config, before)
    engine = create_engine(url)
    with engine.begin() as connection:
        ids = _referrals(connection)
    command.upgrade(config, "0014_report_cells")
    cells, days, charges = (metadata.tables[t] for t in (
        "report_cells", "report_day_cells", "report_charge_cells"))
    with engine.connect() as connection:
        counted = {(r.submitted_on, r.route, r.race_group, r.ethnicity, r.levels, r.status): r.n
                   for r in connection.execute(select(cells))}
        timed = {(r.measure, r.days): r.n for r in connection.execute(select(days))}
        named = {(r.code, r.levels): r.n for r in connection.execute(select(charges))}
    day = date(2026, 3, 2)
    assert counted == {
        (day, "arrest_diversion", "black", "hispanic", 3, "intake_completed"): 1,
        (day, "arrest_diversion", "black", "hispanic", 3, "declined"): 1,
        (day, "social_contact", "", "", 0, "submitted"): 1,  # not recorded, no charges
    }
    assert timed == {("decision", 4): 2, ("intake", 3): 1}
    assert named == {("shoplifting", 3): 2, ("df4_possession", 3): 2}
    command.downgrade(config, before)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert not tables & {"report_cells", "report_day_cells", "report_charge_cells"}
    assert len(ids) == 4


def _referrals(connection) -> list[int]:
    org = connection.execute(insert(metadata.tables["organisations"]).values(
        name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
    user = connection.execute(insert(metadata.tables["users"]).values(
        organisation_id=org, email="u@example.org", name="U", role="referrer",
        totp_last_step=0, failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
    common = {"organisation_id": org, "referrer_id": user, "answers": {}, "created_at": WHEN,
              "updated_at": WHEN, "version": 1}
    submitted = {"submitted_at": WHEN, "legal_name": "A B", "date_of_birth": date(1990, 1, 1),
                 "screening_decision": "eligible"}
    decided = {**submitted, "route": "arrest_diversion", "race_group": "black",
               "ethnicity": "hispanic", "decided_by_id": user, "decided_at": DECIDED}
    rows = [
        {"reference": "CELL-0001", "status": "intake_completed",
         "intake_completed_on": date(2026, 3, 9), **decided},
        {"reference": "CELL-0002", "status": "declined", "decline_reason": "duplicate",
         "declined_by": "program", **decided},
        {"reference": "CELL-0003", "status": "submitted", "route": "social_contact",
         **submitted},
        {"reference": None, "status": "draft", "route": "social_contact"},
    ]
    ids = [connection.execute(insert(metadata.tables["referrals"]).values(**common, **row))
           .inserted_primary_key[0] for row in rows]
    for referral_id in ids[:2]:
        for code, level in (("shoplifting", "city_county"), ("df4_possession", "district")):
            connection.execute(insert(metadata.tables["referral_charges"]).values(
                referral_id=referral_id, code=code, level=level, submitted_at=WHEN,
                route="arrest_diversion", organisation_id=org, race_group="black",
                ethnicity="hispanic"))
    return ids

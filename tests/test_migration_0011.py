"""Revision 0011_response gives social contact referrals already submitted their response target."""

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import create_engine, insert, inspect, select

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)  # late in the UTC day: the date must not shift


def test_submitted_social_contact_referrals_get_their_response_target(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0008")
    engine = create_engine(url)
    referrals = metadata.tables["referrals"]
    with engine.begin() as connection:
        org = connection.execute(insert(metadata.tables["organisations"]).values(
            name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
        user = connection.execute(insert(metadata.tables["users"]).values(
            organisation_id=org, email="u@example.org", name="U", role="referrer",
            totp_last_step=0, failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
        common = {"organisation_id": org, "referrer_id": user, "answers": {}, "created_at": WHEN,
                  "updated_at": WHEN, "version": 1}
        submitted = {"status": "submitted", "submitted_at": WHEN, "legal_name": "A B",
                     "date_of_birth": date(1990, 1, 1), "screening_decision": "eligible"}
        for reference, route, extra in (
                ("SOCI-AL11", "social_contact", submitted),
                ("ARRE-ST11", "arrest_diversion", {**submitted, "intake_deadline": date(2026, 1, 31)}),
                (None, "social_contact", {"status": "draft"})):
            connection.execute(insert(referrals).values(
                reference=reference, route=route, **common, **extra))
    command.upgrade(config, "0011_response")
    with engine.connect() as connection:
        stored = connection.execute(select(referrals.c.route, referrals.c.status,
                                           referrals.c.respond_by).order_by(referrals.c.id)).all()
    assert [tuple(row) for row in stored] == [
        ("social_contact", "submitted", date(2026, 1, 15)),
        ("arrest_diversion", "submitted", None),
        ("social_contact", "draft", None)]
    command.downgrade(config, "0008")
    columns = {c["name"] for c in inspect(engine).get_columns("referrals")}
    engine.dispose()
    assert "respond_by" not in columns and "intake_deadline" in columns

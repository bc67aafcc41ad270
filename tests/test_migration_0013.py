"""Revision 0013_intake: documents already stored are keyed by the referral's present standing
(so reprinting them now returns them), the trigger allows the new intake moves, and going back
keeps each document's first print only."""

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from portal.cli import alembic_config
from portal.models import metadata

WHEN = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DOCUMENT = {"kind": "receipt", "language": "en", "paper_size": "Letter", "template_version": "3+x",
            "renderer": "WeasyPrint 65", "sha256": "a" * 64, "content": b"%PDF-1.7",
            "created_at": WHEN}


def test_stored_documents_get_the_present_standing_and_the_new_moves_are_allowed(databases):
    url = databases.new(migrated=False)
    config = alembic_config(url)
    command.upgrade(config, "0010_search")
    engine = create_engine(url)
    referrals, documents = metadata.tables["referrals"], metadata.tables["stored_documents"]
    with engine.begin() as connection:
        org = connection.execute(insert(metadata.tables["organisations"]).values(
            name="Agency", kind="law_enforcement", created_at=WHEN)).inserted_primary_key[0]
        user = connection.execute(insert(metadata.tables["users"]).values(
            organisation_id=org, email="u@example.org", name="U", role="coordinator",
            totp_last_step=0, failed_sign_ins=0, created_at=WHEN)).inserted_primary_key[0]
        common = {"organisation_id": org, "referrer_id": user, "answers": {}, "created_at": WHEN,
                  "updated_at": WHEN, "version": 1, "submitted_at": WHEN, "legal_name": "A B",
                  "date_of_birth": date(1990, 1, 1), "screening_decision": "eligible",
                  "route": "arrest_diversion"}
        missed = connection.execute(insert(referrals).values(
            reference="MISS-ED13", status="intake_missed", intake_deadline=date(2026, 1, 31),
            decided_by_id=user, decided_at=WHEN, **common)).inserted_primary_key[0]
        sent = connection.execute(insert(referrals).values(
            reference="SENT-0013", status="submitted", **common)).inserted_primary_key[0]
        for referral in (missed, sent):
            # Only the columns of 0010 are named: printed_for does not exist yet.
            connection.execute(insert(documents).values(referral_id=referral, created_by_id=user,
                                                        **DOCUMENT))
    command.upgrade(config, "0013_intake")
    with engine.begin() as connection:
        assert connection.execute(select(documents.c.referral_id, documents.c.printed_for)
                                  .order_by(documents.c.id)).all() == [
            (missed, "intake_missed|2026-01-31"), (sent, "submitted|-")]
        connection.execute(update(referrals).where(referrals.c.id == missed).values(
            status="intake_completed", intake_completed_on=date(2026, 2, 3)))
        connection.execute(insert(documents).values(  # a print after the change: a new version
            referral_id=missed, created_by_id=user, printed_for="intake_completed|2026-01-31",
            **DOCUMENT))
    with pytest.raises(DBAPIError, match="cannot go from"), engine.begin() as connection:
        connection.execute(text("UPDATE referrals SET status = 'draft' WHERE id = :id"),
                           {"id": sent})
    command.downgrade(config, "0010_search")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT referral_id FROM stored_documents ORDER BY id")).all()
    engine.dispose()
    assert [row[0] for row in kept] == [missed, sent]  # the first print of each stays

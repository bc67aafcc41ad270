"""reports: reporting columns on referrals, and referral_charges; existing referrals backfilled

Revision ID: 0007_reports
Revises: 0006_outbox

The demographics and charges of referrals already submitted are read from their JSON answers,
in batches, with the same functions the submission uses (portal.reports.values). Charge levels
come from the ruleset the app uses (LEAD_RULESET, or the default one).
"""

import os
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import portal.db
from portal.reports.values import charge_rows, reporting_values

revision = "0007_reports"
down_revision = "0006_outbox"
branch_labels = None
depends_on = None

BATCH = 2000
REPORTING = ("race_group", "ethnicity", "gender", "age_band")


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: SQLite adds and (since 3.35) drops a column in place,
    # where a batch would rebuild the table and lose its workflow trigger (0003).
    op.add_column("referrals", sa.Column("race_group", sa.String(length=40), nullable=True))
    op.add_column("referrals", sa.Column("ethnicity", sa.String(length=20), nullable=True))
    op.add_column("referrals", sa.Column("gender", sa.String(length=20), nullable=True))
    op.add_column("referrals", sa.Column("age_band", sa.String(length=10), nullable=True))
    op.create_index("ix_referrals_reporting", "referrals",
                    ["submitted_at", "route", "organisation_id", "status", "race_group",
                     "ethnicity", "decided_at", "intake_completed_on"])
    op.create_table(
        "referral_charges",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", portal.db.UTCDateTime(), nullable=False),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("race_group", sa.String(length=40), nullable=True),
        sa.Column("ethnicity", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE",
                                name=op.f("fk_referral_charges_referral_id_referrals")),
        sa.PrimaryKeyConstraint("referral_id", "code", name=op.f("pk_referral_charges")),
    )
    op.create_index("ix_referral_charges_reporting", "referral_charges",
                    ["submitted_at", "route", "organisation_id", "code", "level", "race_group",
                     "ethnicity", "referral_id"])
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_referral_charges_reporting", table_name="referral_charges")
    op.drop_table("referral_charges")
    op.drop_index("ix_referrals_reporting", table_name="referrals")
    for column in reversed(REPORTING):
        op.drop_column("referrals", column)


# --- the backfill ------------------------------------------------------------------------------

REFERRALS = sa.table("referrals", sa.column("id"), sa.column("status"), sa.column("route"),
                     sa.column("answers", sa.JSON()), sa.column("date_of_birth", sa.Date()),
                     sa.column("submitted_at", portal.db.UTCDateTime()),
                     sa.column("organisation_id"), *(sa.column(c) for c in REPORTING))
CHARGES = sa.table("referral_charges", *(sa.column(c) for c in (
    "referral_id", "code", "level", "route", "organisation_id", "race_group", "ethnicity")),
    sa.column("submitted_at", portal.db.UTCDateTime()))


def _ruleset():
    from portal.eligibility import default_ruleset, load_ruleset

    path = os.environ.get("LEAD_RULESET")
    return load_ruleset(path) if path else default_ruleset()


def _backfill(connection) -> None:
    ruleset, last = _ruleset(), 0
    while True:
        rows = connection.execute(
            sa.select(REFERRALS.c.id, REFERRALS.c.route, REFERRALS.c.answers,
                      REFERRALS.c.date_of_birth, REFERRALS.c.submitted_at,
                      REFERRALS.c.organisation_id)
            .where(REFERRALS.c.id > last, REFERRALS.c.status != "draft",
                   REFERRALS.c.submitted_at.is_not(None))
            .order_by(REFERRALS.c.id).limit(BATCH)).all()
        if not rows:
            return
        _fill(connection, rows, ruleset)
        last = rows[-1].id


def _fill(connection, rows, ruleset) -> None:
    updates, charges = [], []
    for row in rows:
        answers = row.answers or {}
        values = _values(answers, row.date_of_birth, _day(row.submitted_at))
        updates.append({"key": row.id, **values})
        page = answers.get("charges" if row.route == "arrest_diversion" else "conduct") or {}
        for charge in charge_rows(page.get("charges"), ruleset):
            charges.append({**charge, "referral_id": row.id, "submitted_at": row.submitted_at,
                            "route": row.route, "organisation_id": row.organisation_id,
                            "race_group": values["race_group"],
                            "ethnicity": values["ethnicity"]})
    connection.execute(REFERRALS.update().where(REFERRALS.c.id == sa.bindparam("key"))
                       .values({c: sa.bindparam(c) for c in REPORTING}), updates)
    if charges:
        connection.execute(CHARGES.insert(), charges)


def _values(answers: dict, born, on: date) -> dict:
    page = answers.get("demographics") or {}
    return reporting_values(page.get("race"), page.get("ethnicity"), page.get("gender"),
                            born, on)


def _day(moment) -> date:
    if isinstance(moment, str):  # SQLite hands back text when the column type is not known
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()

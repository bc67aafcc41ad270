"""report_cells: the report's counts kept current, so that a year at a million referrals reads
a few hundred thousand cells instead of a million rows

Revision ID: 0014_report_cells
Revises: 0010_search

Three tables of counts by submission day and group (portal/reports/models.py), kept current in
the transaction of each submission and status change (portal/reports/cells.py). They are filled
here from the referrals already stored, with the same set-based recount as
`lead-portal reports rebuild`. Also an index of the open referrals by submission, which the
coordinators' digest reads.
"""

import sqlalchemy as sa
from alembic import op

from portal.reports.cells import rebuild

revision = "0014_report_cells"
down_revision = "0016_casework"
branch_labels = None
depends_on = None

STATUSES = ("draft", "submitted", "in_review", "needs_information", "accepted", "declined",
            "withdrawn", "intake_completed", "intake_missed")
KEY = ("submitted_on", "route", "organisation_id", "race_group", "ethnicity", "levels")


def _key() -> list[sa.Column]:
    return [sa.Column("submitted_on", sa.Date(), nullable=False),
            sa.Column("route", sa.String(length=30), nullable=False),
            sa.Column("organisation_id", sa.Integer(), nullable=False),
            sa.Column("race_group", sa.String(length=40), nullable=False),
            sa.Column("ethnicity", sa.String(length=20), nullable=False),
            sa.Column("levels", sa.Integer(), nullable=False)]


def upgrade() -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    op.create_table(
        "report_cells", *_key(),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"status IN ({statuses})", name=op.f("ck_report_cells_status")),
        sa.PrimaryKeyConstraint(*KEY, "status", name=op.f("pk_report_cells")))
    op.create_table(
        "report_day_cells", *_key(),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "measure", "days", name=op.f("pk_report_day_cells")))
    op.create_table(
        "report_charge_cells", *_key(),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "code", name=op.f("pk_report_charge_cells")))
    rebuild(op.get_bind())
    # The digest's open referrals by submission (portal/notices/digest.py).
    open_statuses = "status IN ('in_review', 'needs_information', 'submitted')"
    op.create_index("ix_referrals_open_submitted", "referrals", ["submitted_at"],
                    postgresql_where=sa.text(open_statuses), sqlite_where=sa.text(open_statuses))


def downgrade() -> None:
    op.drop_index("ix_referrals_open_submitted", table_name="referrals")
    op.drop_table("report_charge_cells")
    op.drop_table("report_day_cells")
    op.drop_table("report_cells")

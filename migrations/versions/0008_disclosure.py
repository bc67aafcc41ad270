"""disclosure: what the program writes to the referring partner, apart from its own notes

Revision ID: 0008
Revises: 0007_reports

A decision's message to the partner (referrals.partner_message) and each transition's text the
partner may read (referral_events.partner_message), beside the reasons and notes that stay with
program staff. Existing transitions made by partners (submitting, withdrawing, answering) were
theirs to read: their text is copied; every coordinator's text stays internal.
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007_reports"
branch_labels = None
depends_on = None

PARTNER_MADE = ("(from_status = 'draft' AND to_status = 'submitted') OR to_status = 'withdrawn' "
                "OR (from_status = 'needs_information' AND to_status = 'in_review')")


TABLES = ("referrals", "referral_events")


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the tables' triggers).
    for table in TABLES:
        op.add_column(table, sa.Column("partner_message", sa.Text(), nullable=True))
    op.execute(f"UPDATE referral_events SET partner_message = reason, reason = NULL "
               f"WHERE {PARTNER_MADE}")


def downgrade() -> None:
    op.execute(f"UPDATE referral_events SET reason = partner_message WHERE {PARTNER_MADE}")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN partner_message")

"""drafts: what a partner posted on a question page and could not yet keep

Revision ID: 0018_drafts
Revises: 0010_search

referrals.pending holds, per page, the form as last posted when it was not saved as answers (an
answer refused, an expired page, a session that ended before the post): the page shows it again
instead of losing it. Nothing to move: no draft has any yet.
"""

from alembic import op
import sqlalchemy as sa

revision = "0018_drafts"
down_revision = "0014_report_cells"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the table's triggers).
    op.add_column("referrals", sa.Column("pending", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE referrals DROP COLUMN pending")

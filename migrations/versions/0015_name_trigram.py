"""home: when each user last looked at their home page

Revision ID: 0015_name_trigram
Revises: 0010_search

users.home_seen_at: the home page's "what needs you" shows a partner the decisions made since
they last looked, then moves this mark to now. Null until their first look. (The revision id was
given before its content was known: the name search needed no schema change, only queries.)
"""

from alembic import op
import sqlalchemy as sa

from portal.db import UTCDateTime

revision = "0015_name_trigram"
down_revision = "0012_prosecutor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("home_seen_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, as the other revisions drop columns.
    op.execute("ALTER TABLE users DROP COLUMN home_seen_at")

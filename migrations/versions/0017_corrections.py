"""corrections: the pages a request for information opens again, and the partner's corrections

Revision ID: 0017_corrections
Revises: 0010_search

information_requests.pages lists the question pages (step slugs) the coordinator ticked;
information_requests.corrections holds the partner's corrected pages until the reply is sent.
Both are empty (NULL) on the requests already made: those were questions only.
"""

from alembic import op
import sqlalchemy as sa

revision = "0017_corrections"
down_revision = "0010_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("information_requests", sa.Column("pages", sa.JSON(), nullable=True))
    op.add_column("information_requests", sa.Column("corrections", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the tables' triggers).
    for column in ("corrections", "pages"):
        op.execute(f"ALTER TABLE information_requests DROP COLUMN {column}")

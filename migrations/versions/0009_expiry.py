"""expiry: each consent's last day, from its text's term

Revision ID: 0009_expiry
Revises: 0008

consents.expires_on is signed_on plus the text's `expires_after_months` in calendar months.
Existing consents get it from the text they name (texts are kept by id for ever); a consent whose
text is not in the library keeps it empty and is not treated as expired.
"""

from alembic import op
import sqlalchemy as sa

from portal.consent.texts_loading import default_texts
from portal.eligibility import months_after

revision = "0009_expiry"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the tables' triggers).
    op.add_column("consents", sa.Column("expires_on", sa.Date(), nullable=True))
    consents = sa.table("consents", sa.column("id", sa.Integer()), sa.column("text_id", sa.String()),
                        sa.column("signed_on", sa.Date()), sa.column("expires_on", sa.Date()))
    connection = op.get_bind()
    texts = default_texts()
    for ident, text_id, signed_on in connection.execute(
            sa.select(consents.c.id, consents.c.text_id, consents.c.signed_on)).all():
        text = texts.get(text_id)
        if text is not None:
            connection.execute(consents.update().where(consents.c.id == ident).values(
                expires_on=months_after(signed_on, text.expires_after_months)))


def downgrade() -> None:
    op.execute("ALTER TABLE consents DROP COLUMN expires_on")

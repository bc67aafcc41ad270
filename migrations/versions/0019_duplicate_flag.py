"""duplicate_flag: the possible-duplicate pairs kept, for the queue's flag

Revision ID: 0019_duplicate_flag
Revises: 0013_intake

The queue matched the names of its page's referrals against every referral born the same day on
each request. The pairs are now kept when a referral is sent or corrected
(portal/review/duplicates.py); this fills them for the referrals already sent, in Python, with
the same matching.
"""

from alembic import op
import sqlalchemy as sa

revision = "0019_duplicate_flag"
down_revision = "0013_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_pairs",
        sa.Column("referral_id", sa.Integer(),
                  sa.ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.Integer(),
                  sa.ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_duplicate_pairs_other_id", "duplicate_pairs", ["other_id"])
    _fill()


def _fill() -> None:
    # The application's matching, so that the pairs are the ones the queue flagged before.
    from portal.review.duplicates import fill

    fill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_duplicate_pairs_other_id", table_name="duplicate_pairs")
    op.drop_table("duplicate_pairs")

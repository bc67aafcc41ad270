"""response: a response target for referrals that have no intake deadline

Revision ID: 0011_response
Revises: 0009_expiry

referrals.respond_by is the screening's `respond_by` (the route's `response_target_days` after
the referral day), stored at submission so that the review queue can order social contact
referrals among arrest diversions instead of after all of them. Referrals already submitted on
the social contact route get the default ruleset's 14 days after their submission day: the
ruleset that screened them had no target, and without one they would keep sorting last.
"""

from alembic import op
import sqlalchemy as sa

revision = "0011_response"
down_revision = "0009_expiry"
branch_labels = None
depends_on = None

DEFAULT_TARGET_DAYS = 14  # the default ruleset's social_contact.response_target_days, at this revision
SUBMITTED_SOCIAL = "route = 'social_contact' AND submitted_at IS NOT NULL"


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the table's triggers).
    op.add_column("referrals", sa.Column("respond_by", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        target = f"CAST(submitted_at AS date) + {DEFAULT_TARGET_DAYS}"
    else:
        target = f"date(submitted_at, '+{DEFAULT_TARGET_DAYS} days')"
    op.execute(f"UPDATE referrals SET respond_by = {target} WHERE {SUBMITTED_SOCIAL}")


def downgrade() -> None:
    op.execute("ALTER TABLE referrals DROP COLUMN respond_by")

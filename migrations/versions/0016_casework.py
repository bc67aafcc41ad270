"""casework: the case manager of an accepted referral, and the contact attempts before intake

Revision ID: 0016_casework
Revises: 0010_search

Two new tables, nothing moved: every case manager assignment is a row (the latest is current),
and every attempt to reach the person is a row. Method and outcome are codes of
portal/casework/vocabulary.py, checked by the operation rather than the database, so that the
vocabulary can grow without a migration.
"""

from alembic import op
import sqlalchemy as sa

from portal.db import UTCDateTime

revision = "0016_casework"
down_revision = "0017_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_manager_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("agency", sa.String(200), nullable=True),
        sa.Column("agency_contact", sa.String(200), nullable=True),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.CheckConstraint("(user_id IS NULL) <> (agency IS NULL)", name=op.f("ck_case_manager_assignments_user_or_agency")),
        sa.CheckConstraint("agency_contact IS NULL OR agency IS NOT NULL",
                           name=op.f("ck_case_manager_assignments_contact_only_for_agency")),
    )
    op.create_index("ix_case_manager_assignments_referral_id", "case_manager_assignments",
                    ["referral_id"])
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("referral_id", sa.Integer(), sa.ForeignKey("referrals.id"), nullable=False),
        sa.Column("attempted_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_index("ix_contact_attempts_referral_id", "contact_attempts", ["referral_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_attempts_referral_id", table_name="contact_attempts")
    op.drop_table("contact_attempts")
    op.drop_index("ix_case_manager_assignments_referral_id", table_name="case_manager_assignments")
    op.drop_table("case_manager_assignments")

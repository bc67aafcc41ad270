"""receipts: stored documents (the PDF bytes as first printed)

Revision ID: 0004
Revises: 0003

The table depends only on referrals and users (0002); it follows the review revision (0003)
only because the two were written at the same time.
"""

from alembic import op
import sqlalchemy as sa

import portal.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('paper_size', sa.String(length=10), nullable=False),
    sa.Column('template_version', sa.String(length=80), nullable=False),
    sa.Column('renderer', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('receipt', 'person_receipt', 'consent_copy')", name=op.f('ck_stored_documents_kind_known')),
    sa.CheckConstraint("language IN ('en', 'es')", name=op.f('ck_stored_documents_language_known')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_stored_documents_sha256_length')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stored_documents_created_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_stored_documents_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_documents')),
    sa.UniqueConstraint('referral_id', 'kind', 'language', name=op.f('uq_stored_documents_referral_id'))
    )


def downgrade() -> None:
    op.drop_table('stored_documents')

"""referrals, screenings, consents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:03:39.663250
"""

from alembic import op
import sqlalchemy as sa


import portal.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=True),
    sa.Column('route', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'needs_information', 'accepted', 'declined', 'withdrawn', 'intake_completed', 'intake_missed', name='status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('partner_note', sa.Text(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', portal.db.UTCDateTime(), nullable=True),
    sa.Column('legal_name', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('screening_decision', sa.String(length=20), nullable=True),
    sa.Column('intake_deadline', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("route IN ('arrest_diversion', 'social_contact')", name=op.f('ck_referrals_route_known')),
    sa.CheckConstraint("status = 'draft' OR (reference IS NOT NULL AND submitted_at IS NOT NULL AND legal_name IS NOT NULL AND date_of_birth IS NOT NULL)", name=op.f('ck_referrals_submitted_has_reference')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_referrals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['referrer_id'], ['users.id'], name=op.f('fk_referrals_referrer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('reference', name=op.f('uq_referrals_reference'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_organisation_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_id'), ['referrer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('text_version', sa.String(length=50), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('witness_id', sa.Integer(), nullable=False),
    sa.Column('revocable_from', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'revocation_pending', 'revoked', name='consentstatus', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('confirmed', name=op.f('ck_consents_confirmed_by_the_person')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_consents_referral_id_referrals')),
    sa.ForeignKeyConstraint(['witness_id'], ['users.id'], name=op.f('fk_consents_witness_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_consents_referral_id'))
    )
    op.create_table('information_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', portal.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(answered_at IS NULL) = (answer IS NULL)', name=op.f('ck_information_requests_answer_has_time')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_information_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_information_requests_asked_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_information_requests_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_requests'))
    )
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_requests_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.Enum('draft', 'submitted', 'in_review', 'needs_information', 'accepted', 'declined', 'withdrawn', 'intake_completed', 'intake_missed', name='from_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'in_review', 'needs_information', 'accepted', 'declined', 'withdrawn', 'intake_completed', 'intake_missed', name='to_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_referral_events_actor_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_events_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_events'))
    )
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_events_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referral_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_versions_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_versions')),
    sa.UniqueConstraint('referral_id', 'number', name=op.f('uq_referral_versions_referral_id'))
    )
    with op.batch_alter_table('referral_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_versions_referral_id'), ['referral_id'], unique=False)

    op.create_table('screenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('ruleset_id', sa.String(length=100), nullable=False),
    sa.Column('ruleset_version', sa.String(length=50), nullable=False),
    sa.Column('ruleset_sha256', sa.String(length=64), nullable=False),
    sa.Column('screened_on', sa.Date(), nullable=False),
    sa.Column('screened_at', portal.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_screenings_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_referral_id'), ['referral_id'], unique=False)

    op.create_table('consent_revocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', portal.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_consent_revocations_consent_id_consents')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_revocations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_revocations'))
    )
    with op.batch_alter_table('consent_revocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_revocations_consent_id'), ['consent_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consent_revocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_revocations_consent_id'))

    op.drop_table('consent_revocations')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_referral_id'))

    op.drop_table('screenings')
    with op.batch_alter_table('referral_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_versions_referral_id'))

    op.drop_table('referral_versions')
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_events_referral_id'))

    op.drop_table('referral_events')
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_requests_referral_id'))

    op.drop_table('information_requests')
    op.drop_table('consents')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_referrer_id'))
        batch_op.drop_index('ix_referrals_organisation_status')

    op.drop_table('referrals')

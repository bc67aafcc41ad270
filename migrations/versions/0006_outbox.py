"""outbox: delivery by a worker (claims, retries with backoff, HTML bodies), notice choices and
daily digests

Revision ID: 0006_outbox
Revises: 0005_security

Rows written before this revision are carried over: unsent ones become due at once, and those
that had already used the old limit of 5 attempts are marked as failed (an administrator can
retry them).
"""

from alembic import op
import sqlalchemy as sa

import portal.db

revision = "0006_outbox"
down_revision = "0005_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('recipient_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('failed_at', portal.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_failed_at'), ['failed_at'], unique=False)
    op.execute("UPDATE outbox_messages SET failed_at = created_at "
               "WHERE sent_at IS NULL AND attempts >= 5")
    op.execute("UPDATE outbox_messages SET next_attempt_at = created_at "
               "WHERE sent_at IS NULL AND failed_at IS NULL")

    op.create_table('notice_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notice', sa.String(length=40), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_choices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_choices')),
    sa.UniqueConstraint('user_id', 'notice', name=op.f('uq_notice_choices_user_id'))
    )
    with op.batch_alter_table('notice_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_choices_user_id'), ['user_id'], unique=False)

    op.create_table('notice_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest_on', sa.Date(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_digests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_digests')),
    sa.UniqueConstraint('user_id', 'digest_on', name=op.f('uq_notice_digests_user_id'))
    )
    with op.batch_alter_table('notice_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_digests_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_digests_user_id'))
    op.drop_table('notice_digests')
    with op.batch_alter_table('notice_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_choices_user_id'))
    op.drop_table('notice_choices')
    # The old worker retried while attempts < 5: keep given-up rows given up.
    op.execute("UPDATE outbox_messages SET attempts = 5 WHERE failed_at IS NOT NULL AND attempts < 5")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_failed_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_next_attempt_at'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('html_body')
        batch_op.drop_column('recipient_user_id')
        batch_op.drop_column('kind')

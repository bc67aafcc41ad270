"""review: claims, decisions, notes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:06:41.096750
"""

from alembic import op
import sqlalchemy as sa

import portal.db

CHECKS = {
    "decided_has_decider": "status NOT IN ('accepted', 'declined', 'intake_completed', "
                           "'intake_missed') OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
    "declined_has_reason": "status <> 'declined' OR (decline_reason IS NOT NULL AND declined_by IN "
                           "('program', 'person'))",
    "intake_completed_has_date": "status <> 'intake_completed' OR intake_completed_on IS NOT NULL",
    "claim_only_while_open": "claimed_by_id IS NULL OR (claimed_at IS NOT NULL AND status IN "
                             "('in_review', 'needs_information'))",
    "override_only_on_accept": "override_justification IS NULL OR status IN ('accepted', "
                               "'intake_completed', 'intake_missed')",
}
# The transitions allowed when this revision was written (portal/referrals/states.py): the
# database refuses any other change of status. A later change to that table needs a migration.
ALLOWED = (
    'accepted>intake_completed',
    'accepted>intake_missed',
    'draft>submitted',
    'in_review>accepted',
    'in_review>declined',
    'in_review>needs_information',
    'in_review>withdrawn',
    'needs_information>in_review',
    'needs_information>withdrawn',
    'submitted>in_review',
    'submitted>withdrawn',
)
ALLOWED_SQL = ", ".join(f"'{pair}'" for pair in ALLOWED)
TRIGGER = {
    "postgresql": [
        f"""CREATE FUNCTION referrals_transition_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.status IS DISTINCT FROM OLD.status
                 AND (OLD.status || '>' || NEW.status) NOT IN ({ALLOWED_SQL}) THEN
                RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status;
              END IF;
              RETURN NEW;
            END $$""",
        """CREATE TRIGGER referrals_transition_allowed BEFORE UPDATE OF status ON referrals
           FOR EACH ROW EXECUTE FUNCTION referrals_transition_allowed()""",
    ],
    # Created after the batch alteration: SQLite rebuilds the table, which drops its triggers.
    "sqlite": [
        f"""CREATE TRIGGER referrals_transition_allowed BEFORE UPDATE OF status ON referrals
            WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({ALLOWED_SQL})
            BEGIN SELECT RAISE(ABORT, 'a referral cannot go from one status to that one'); END""",
    ],
}
DROP_TRIGGER = {
    "postgresql": ["DROP TRIGGER referrals_transition_allowed ON referrals",
                   "DROP FUNCTION referrals_transition_allowed()"],
    "sqlite": ["DROP TRIGGER referrals_transition_allowed"],
}

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_notes_author_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_review_notes_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_notes'))
    )
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_notes_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', portal.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('declined_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('override_justification', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('intake_completed_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_referrals_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_referrals_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_referrals_claimed_by_id_users'), 'users', ['claimed_by_id'], ['id'])
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_referrals_{name}"), condition)
    for statement in TRIGGER[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_TRIGGER[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_referrals_{name}"), type_="check")
        batch_op.drop_constraint(batch_op.f('fk_referrals_claimed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_referrals_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_referrals_date_of_birth'))
        batch_op.drop_column('intake_completed_on')
        batch_op.drop_column('override_justification')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('declined_by')
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by_id')

    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_notes_referral_id'))

    op.drop_table('review_notes')

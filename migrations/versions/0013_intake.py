"""intake: deadline extensions, intake completed late, documents stored per status

Revision ID: 0013_intake
Revises: 0010_search

- deadline_extensions: a coordinator's later intake deadline, with its reason (program staff).
- The transition trigger allows intake_missed > intake_completed (intake recorded after the
  daily job marked it missed: "intake completed late") and intake_missed > accepted (a
  coordinator extended the deadline of a missed intake, reopening it).
- stored_documents.printed_for: what the referral stood at when the document was first printed
  (its status and deadline); a print after a change is a new version, the first stays. Rows
  already stored get the referral's present standing, so reprinting them now returns them.
"""

from alembic import op
import sqlalchemy as sa

import portal.db

revision = "0013_intake"
down_revision = "0015_name_trigram"
branch_labels = None
depends_on = None

BEFORE = (
    'accepted>intake_completed', 'accepted>intake_missed', 'draft>submitted', 'in_review>accepted',
    'in_review>declined', 'in_review>needs_information', 'in_review>withdrawn',
    'needs_information>in_review', 'needs_information>withdrawn', 'submitted>in_review',
    'submitted>withdrawn',
)
AFTER = BEFORE + ('intake_missed>intake_completed', 'intake_missed>accepted')


def _trigger(dialect: str, allowed: tuple[str, ...]) -> list[str]:
    pairs = ", ".join(f"'{pair}'" for pair in allowed)
    if dialect == "postgresql":
        return [
            "DROP TRIGGER referrals_transition_allowed ON referrals",
            f"""CREATE OR REPLACE FUNCTION referrals_transition_allowed() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.status IS DISTINCT FROM OLD.status
                     AND (OLD.status || '>' || NEW.status) NOT IN ({pairs}) THEN
                    RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status;
                  END IF;
                  RETURN NEW;
                END $$""",
            """CREATE TRIGGER referrals_transition_allowed BEFORE UPDATE OF status ON referrals
               FOR EACH ROW EXECUTE FUNCTION referrals_transition_allowed()""",
        ]
    return [
        "DROP TRIGGER referrals_transition_allowed",
        f"""CREATE TRIGGER referrals_transition_allowed BEFORE UPDATE OF status ON referrals
            WHEN NEW.status <> OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({pairs})
            BEGIN SELECT RAISE(ABORT, 'a referral cannot go from one status to that one'); END""",
    ]


# The referral's standing as documents.printed_for() spells it: "<status>|<deadline or ->".
PRESENT_STANDING = ("(SELECT r.status || '|' || COALESCE(CAST(r.intake_deadline AS TEXT), '-') "
                    "FROM referrals r WHERE r.id = stored_documents.referral_id)")


def upgrade() -> None:
    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("old_deadline", sa.Date(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by_id", sa.Integer(), nullable=False),
        sa.Column("extended_at", portal.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("new_deadline > old_deadline",
                           name=op.f("ck_deadline_extensions_extension_is_later")),
        sa.ForeignKeyConstraint(["extended_by_id"], ["users.id"],
                                name=op.f("fk_deadline_extensions_extended_by_id_users")),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"],
                                name=op.f("fk_deadline_extensions_referral_id_referrals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extensions")),
    )
    op.create_index(op.f("ix_deadline_extensions_referral_id"), "deadline_extensions",
                    ["referral_id"], unique=False)
    for statement in _trigger(op.get_bind().dialect.name, AFTER):
        op.execute(statement)
    # stored_documents has no trigger: its batch copy on SQLite loses nothing.
    op.add_column("stored_documents", sa.Column("printed_for", sa.String(length=60),
                                                nullable=True))
    op.execute(f"UPDATE stored_documents SET printed_for = {PRESENT_STANDING}")
    with op.batch_alter_table("stored_documents") as batch:
        batch.alter_column("printed_for", existing_type=sa.String(length=60), nullable=False)
        batch.drop_constraint("uq_stored_documents_referral_id", type_="unique")
        batch.create_unique_constraint(op.f("uq_stored_documents_referral_id"),
                                       ["referral_id", "kind", "language", "printed_for"])


def downgrade() -> None:
    # Only the first print of each document goes back: the old table held one per language.
    op.execute("DELETE FROM stored_documents WHERE id NOT IN (SELECT MIN(id) FROM "
               "stored_documents GROUP BY referral_id, kind, language)")
    with op.batch_alter_table("stored_documents") as batch:
        batch.drop_constraint("uq_stored_documents_referral_id", type_="unique")
        batch.create_unique_constraint(op.f("uq_stored_documents_referral_id"),
                                       ["referral_id", "kind", "language"])
        batch.drop_column("printed_for")
    # A referral that took one of the newer moves keeps its status: the trigger judges changes.
    for statement in _trigger(op.get_bind().dialect.name, BEFORE):
        op.execute(statement)
    op.drop_index(op.f("ix_deadline_extensions_referral_id"), table_name="deadline_extensions")
    op.drop_table("deadline_extensions")

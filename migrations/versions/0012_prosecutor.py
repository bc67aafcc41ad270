"""prosecutor: the prosecutor's office, its linked police agencies, and what it is told

Revision ID: 0012_prosecutor
Revises: 0010_search

A fourth organisation kind (`prosecutor`) and its role (`prosecutor`): the CHECK constraints of
organisations.kind and users.role take the new value. `prosecutor_agencies` links an office to
the police agencies it serves; `prosecutor_updates` holds each arrest diversion's latest change
the office is told of. Arrest diversions already decided, withdrawn or past intake are
backfilled from their history, so the office sees them from the first day.
"""

from alembic import op
import sqlalchemy as sa

import portal.db

revision = "0012_prosecutor"
down_revision = "0018_drafts"
branch_labels = None
depends_on = None

KINDS = ("law_enforcement", "community_partner", "program")
ROLES = ("referrer", "partner_admin", "coordinator", "program_admin")
TOLD = ("accepted", "declined", "withdrawn", "intake_completed", "intake_missed")


def upgrade() -> None:
    _replace_check("organisations", "orgkind", "kind", KINDS, (*KINDS, "prosecutor"))
    _replace_check("users", "role", "role", ROLES, (*ROLES, "prosecutor"))
    op.create_table(
        "prosecutor_agencies",
        sa.Column("prosecutor_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["organisations.id"],
                                name=op.f("fk_prosecutor_agencies_agency_id_organisations")),
        sa.ForeignKeyConstraint(["prosecutor_id"], ["organisations.id"],
                                name=op.f("fk_prosecutor_agencies_prosecutor_id_organisations")),
        sa.PrimaryKeyConstraint("prosecutor_id", "agency_id", name=op.f("pk_prosecutor_agencies")),
    )
    op.create_index(op.f("ix_prosecutor_agencies_agency_id"), "prosecutor_agencies", ["agency_id"])
    op.create_table(
        "prosecutor_updates",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=30), nullable=False),
        sa.Column("changed_at", portal.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"],
                                name=op.f("fk_prosecutor_updates_referral_id_referrals")),
        sa.ForeignKeyConstraint(["agency_id"], ["organisations.id"],
                                name=op.f("fk_prosecutor_updates_agency_id_organisations")),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_prosecutor_updates")),
    )
    op.create_index("ix_prosecutor_updates_agency_id_changed_at", "prosecutor_updates",
                    ["agency_id", "changed_at", "referral_id"])
    op.create_index("ix_prosecutor_updates_changed_at_referral_id", "prosecutor_updates",
                    ["changed_at", "referral_id"])
    told = ", ".join(f"'{status}'" for status in TOLD)
    op.execute(
        "INSERT INTO prosecutor_updates (referral_id, agency_id, change, changed_at) "
        "SELECT r.id, r.organisation_id, r.status, MAX(e.at) FROM referrals r "
        "JOIN referral_events e ON e.referral_id = r.id AND e.to_status = r.status "
        f"WHERE r.route = 'arrest_diversion' AND r.status IN ({told}) "
        "GROUP BY r.id, r.organisation_id, r.status")


def downgrade() -> None:
    op.drop_index("ix_prosecutor_updates_changed_at_referral_id", table_name="prosecutor_updates")
    op.drop_index("ix_prosecutor_updates_agency_id_changed_at", table_name="prosecutor_updates")
    op.drop_table("prosecutor_updates")
    op.drop_index(op.f("ix_prosecutor_agencies_agency_id"), table_name="prosecutor_agencies")
    op.drop_table("prosecutor_agencies")
    # The audit log (append-only) keeps the ids of an office's users: they cannot be deleted,
    # so a downgrade with prosecutor offices in the database stops and says why.
    left = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM organisations WHERE kind = 'prosecutor'").scalar_one()
    if left:
        raise RuntimeError(f"{left} prosecutor's office(s) exist: this revision cannot be undone")
    _replace_check("users", "role", "role", (*ROLES, "prosecutor"), ROLES)
    _replace_check("organisations", "orgkind", "kind", (*KINDS, "prosecutor"), KINDS)


def _replace_check(table: str, name: str, column: str, old: tuple[str, ...],
                   new: tuple[str, ...]) -> None:
    constraint = f"ck_{table}_{name}"
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(constraint), table, type_="check")
        op.create_check_constraint(op.f(constraint), table, sa.text(_among(column, new)))
        return
    # SQLite cannot alter a constraint, and a batch copy cannot drop a table that others'
    # foreign keys point at while they are enforced (and they cannot be switched off inside the
    # migration's transaction). So the table's stored definition is edited, SQLite's own recipe
    # for a change that leaves the rows as they are (sqlite.org/lang_altertable.html, "other
    # kinds of table schema changes"): the rows hold no value outside the new list.
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    before, after = f"CHECK ({_among(column, old)})", f"CHECK ({_among(column, new)})"
    if sql.count(before) != 1:
        raise RuntimeError(f"{table}: the constraint {constraint} is not {before}")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                               (sql.replace(before, after), table))
    connection.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _among(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"

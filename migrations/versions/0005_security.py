"""security: email addresses in one form, and the application role's grants

Revision ID: 0005_security
Revises: 0004

Addresses are compared in NFKC form and lower case (portal/accounts/emails.py); rows stored
before that are rewritten, unless the rewritten form belongs to another row already (then the
two are left as they are for an administrator to resolve).

On PostgreSQL, when APP_DB_ROLE names the role the application runs as, that role gets what
the application needs and no more: SELECT, INSERT, UPDATE and DELETE on its tables, but only
SELECT and INSERT on audit_events; the same for tables later revisions create (default
privileges of the owner running this). Not the owner, it cannot disable audit_events' triggers.
Without APP_DB_ROLE, or on SQLite, there is nothing to grant.
"""

import os
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005_security"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


def upgrade() -> None:
    _normalise_emails()
    role = _app_role()
    if role is None:
        return
    schema = _schema()
    for statement in (
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {TABLE_RIGHTS} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ):
        op.execute(statement)


def downgrade() -> None:
    # The addresses stay in their normal form: the earlier code compares them in lower case too.
    role = _app_role()
    if role is None:
        return
    schema = _schema()
    for statement in (
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE USAGE ON SCHEMA {schema} FROM {role}",
    ):
        op.execute(statement)


def _normalise_emails() -> None:
    connection = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.email)).all()
    taken = {email for _, email in rows}
    for ident, email in rows:
        normal = unicodedata.normalize("NFKC", email).strip().lower()
        if normal != email and normal not in taken:
            connection.execute(users.update().where(users.c.id == ident).values(email=normal))
            taken.add(normal)


def _app_role() -> str | None:
    """The quoted name of the application's role, or None where there is nothing to grant."""
    name = os.environ.get("APP_DB_ROLE", "").strip()
    connection = op.get_bind()
    if not name or connection.dialect.name != "postgresql":
        return None
    exists = connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"),
                                {"name": name}).first()
    if exists is None:
        raise RuntimeError(f"APP_DB_ROLE names the role {name!r}, which does not exist: "
                           f"create it first (createuser {name})")
    return connection.dialect.identifier_preparer.quote(name)


def _schema() -> str:
    connection = op.get_bind()
    return connection.dialect.identifier_preparer.quote(
        connection.execute(sa.text("SELECT current_schema()")).scalar_one())

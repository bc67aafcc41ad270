"""search: every name of the person, folded, and the incident number, as columns

Revision ID: 0010_search
Revises: 0011_response

The review queue's search reads names from referrals.search_names (kept at submission by
portal/review/search.py) instead of the JSON answers; on PostgreSQL a pg_trgm trigram index
serves it. Referrals already submitted are backfilled from their answers.
"""

import re
import unicodedata

from alembic import op
import sqlalchemy as sa

from portal.referrals.answers import Answers

revision = "0010_search"
down_revision = "0011_response"
branch_labels = None
depends_on = None

BATCH = 1000
REFERRALS = sa.table("referrals", sa.column("id"), sa.column("status"), sa.column("route"),
                     sa.column("answers", sa.JSON()), sa.column("search_names"),
                     sa.column("incident_number"))


def upgrade() -> None:
    op.add_column("referrals", sa.Column("search_names", sa.String(1000), nullable=True))
    op.add_column("referrals", sa.Column("incident_number", sa.String(60), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_referrals_search_names", "referrals", ["search_names"],
                    postgresql_using="gin", postgresql_ops={"search_names": "gin_trgm_ops"})
    op.create_index("ix_referrals_incident_number", "referrals", ["incident_number"])
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_referrals_incident_number", table_name="referrals")
    op.drop_index("ix_referrals_search_names", table_name="referrals")
    # Plain ALTER TABLE (no batch copy, which on SQLite would drop the tables' triggers).
    for column in ("incident_number", "search_names"):
        op.execute(f"ALTER TABLE referrals DROP COLUMN {column}")


# A copy of portal.review.search.fold as it is at this revision: a migration must not change
# when the code does.
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w'-]+", " ", plain).split())


def _backfill(connection) -> None:
    last = 0
    while True:
        rows = connection.execute(
            sa.select(REFERRALS.c.id, REFERRALS.c.route, REFERRALS.c.answers)
            .where(REFERRALS.c.id > last, REFERRALS.c.status != "draft")
            .order_by(REFERRALS.c.id).limit(BATCH)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            typed = Answers.parse(row.route, row.answers)
            names = dict.fromkeys(f for f in (_fold(n) for n in typed.person.names) if f)
            updates.append({"key": row.id, "names": " | ".join(names) or None,
                            "incident": typed.arrest.incident_number.upper() or None})
        connection.execute(REFERRALS.update().where(REFERRALS.c.id == sa.bindparam("key"))
                           .values(search_names=sa.bindparam("names"),
                                   incident_number=sa.bindparam("incident")), updates)
        last = rows[-1].id

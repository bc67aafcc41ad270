"""The office's rows: the query's records made into fields.py's rows, with the person's consent
applied (once it has ended, the office keeps only the reference and the last status it was told)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flask import current_app

from portal.accounts.models import User
from portal.prosecutor import queries
from portal.prosecutor.fields import ProsecutorRow, row_of
from portal.referrals.disclosure import Part, consent_ended_for, parts_for

ENDED = "Consent ended"
CHUNK = 5000


def rows(user: User, criteria: queries.Criteria, limit: int | None) -> list[ProsecutorRow]:
    return _made(user, queries.updates(user, criteria, limit))


def one(user: User, referral_id: int) -> ProsecutorRow | None:
    record = queries.update_for(user, referral_id)
    return _made(user, [record])[0] if record is not None else None


def cursor_after(row: ProsecutorRow) -> str:
    return f"{row.changed_at.isoformat()}_{row.referral_id}"


def cursor_from(text: str | None) -> tuple[datetime, int] | None:
    try:
        at, ident = (text or "").split("_", 1)
        return datetime.fromisoformat(at), int(ident)
    except ValueError:
        return None


def _made(user: User, records) -> list[ProsecutorRow]:
    ruleset = current_app.extensions["portal.ruleset"]
    timezone = current_app.extensions["portal.settings"].timezone
    today = date.today()
    ended = _ended([record.id for record in records], today)
    made = []
    for record in records:
        row = row_of(record, ruleset, timezone)
        parts = parts_for(user, record, record.id in ended)
        made.append(row if Part.CASE in parts else _without_case(row))
    return made


def _ended(ids: list[int], today: date) -> set[int]:
    """Whose consent has ended, asked in chunks: a CSV's ids would pass the drivers' limit on
    bound parameters (SQLite 32,766; PostgreSQL 65,535)."""
    ended: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        ended |= consent_ended_for(ids[start:start + CHUNK], today)
    return ended


def _without_case(row: ProsecutorRow) -> ProsecutorRow:
    return replace(row, agency=ENDED, incident_number=ENDED, arrest_date=None, charges=ENDED,
                   intake_deadline=None)

"""Realistic referrals in bulk, for demos and benchmarks: most long closed, a few thousand open.

Rows are written with multi-row INSERTs in batches, which loads a million on PostgreSQL in a
few minutes. They carry the columns the queue, the referral page and the reports read, and short answers;
the people's races, ethnicities and genders, their charges and the time each decision took are
spread as a program would see them, so that a report of a million means something."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, func, insert, select, text

from portal import db
from portal.accounts.models import PARTNER_KINDS, Organisation, OrgKind, Role, User
from portal.accounts.tokens import readable_code
from portal.eligibility import Ruleset, default_ruleset
from portal.prosecutor.fields import CHANGES, DEADLINE_EXTENDED
from portal.prosecutor.models import ProsecutorUpdate
from portal.referrals.models import Referral
from portal.reports.cells import rebuild
from portal.referrals.states import Status
from portal.reports.models import ReferralCharge
from portal.reports.values import charge_rows, reporting_values
from portal.review import duplicates
from portal.review.search import search_names

BATCH = 5000
FIRST = ["Alex", "Jordan", "Maria", "José", "Aaliyah", "Sam", "Chris", "Lupe", "Dana", "Tyrone",
         "Mei", "Ahmed", "Rosa", "Jon", "John", "Keisha", "Luis", "Ana", "Bao", "Daniel"]
LAST = ["Smith", "García", "Johnson", "Nguyen", "Williams", "Martínez", "Brown", "O'Neil",
        "Lopez", "Davis", "Hernández", "Wilson", "Kim", "Jackson", "Rivera", "Lee"]
CLOSED = [("intake_completed", 45), ("intake_missed", 15), ("declined", 25), ("withdrawn", 15)]
OPEN = [("submitted", 35), ("in_review", 30), ("needs_information", 10), ("accepted", 25)]
DECLINE_REASONS = ["not_eligible_charge", "duplicate", "unable_to_locate", "declined_by_person"]
RACES = [(("white",), 44), (("black",), 30), (("asian",), 4), (("american_indian_alaska_native",), 3),
         (("native_hawaiian_pacific_islander",), 1), (("another",), 4), (("prefer_not",), 8),
         (("black", "white"), 3), (("american_indian_alaska_native", "white"), 2),
         (("asian", "white"), 1)]
ETHNICITIES = [("not_hispanic", 72), ("hispanic", 18), ("prefer_not", 10)]
GENDERS = [("man", 68), ("woman", 28), ("non_binary", 2), ("another", 1), ("prefer_not", 1)]
# Days from submission to decision: most within a week, a long tail of a few weeks.
DECISION_DAYS = [(0, 14), (1, 24), (2, 16), (3, 10), (4, 7), (5, 6), (7, 8), (10, 6), (14, 5),
                 (21, 3), (30, 1)]


def generate(count: int, *, seed: int = 2026, today: date | None = None) -> int:
    """Add ``count`` referrals; returns how many were added."""
    rng = random.Random(seed)
    today = today or date.today()
    # Nothing happens later than now: a referral of today was sent before this moment.
    now = datetime.now(UTC)
    latest = now if today >= now.date() else datetime.combine(today, time.max, UTC)
    partners = _partners()
    deciders = _deciders()
    open_count = min(count, max(50, min(3000, count // 10)))
    references = _fresh_references(rng, count)
    ruleset = _ruleset()
    rows = []
    for index in range(count):
        rows.append(_row(rng, index < open_count, partners, deciders, references[index], today,
                         latest, ruleset))
        if len(rows) == BATCH:
            _insert(rows, ruleset)
            rows = []
    if rows:
        _insert(rows, ruleset)
    # Written around the submission's listeners: the report's cells are recounted in one go.
    rebuild(db.session())
    duplicates.fill(db.session().connection())
    _prosecutor_updates()
    # Fresh statistics, as a database in service has: the planner then reads only open rows.
    for table in ("referrals", "duplicate_pairs", "referral_charges", "report_cells",
                  "report_day_cells", "report_charge_cells"):
        db.session().execute(text(f"ANALYZE {table}"))
    return count


def _prosecutor_updates() -> None:
    """Each generated arrest diversion's latest change the prosecutor's office is told of: bulk
    rows never pass through transition(), whose event writes it for a real one."""
    updates = ProsecutorUpdate.__table__
    told = [Status(change) for change in CHANGES if change != DEADLINE_EXTENDED]
    source = select(Referral.id, Referral.organisation_id, Referral.status,
                    func.coalesce(Referral.decided_at, Referral.updated_at)).where(
        Referral.route == "arrest_diversion", Referral.status.in_(told),
        ~exists().where(updates.c.referral_id == Referral.id))
    db.session().execute(insert(updates).from_select(
        ["referral_id", "agency_id", "change", "changed_at"], source))
    db.session().execute(text("ANALYZE prosecutor_updates"))


def _ruleset() -> Ruleset:
    from flask import current_app, has_app_context

    if has_app_context() and "portal.ruleset" in current_app.extensions:
        return current_app.extensions["portal.ruleset"]
    return default_ruleset()


def _insert(rows: list[dict], ruleset: Ruleset) -> None:
    """The referrals, then their charges, which carry the referral's id (read back by
    reference) and its reporting groups."""
    _multirow(Referral.__table__, rows)
    ids = dict(db.session().execute(select(Referral.reference, Referral.id).where(
        Referral.reference.in_([row["reference"] for row in rows]))).all())
    charges = []
    for row in rows:
        page = row["answers"]["charges" if row["route"] == "arrest_diversion" else "conduct"]
        for charge in charge_rows(page["charges"], ruleset):
            charges.append({**charge, "referral_id": ids[row["reference"]],
                            "submitted_at": row["submitted_at"], "route": row["route"],
                            "organisation_id": row["organisation_id"],
                            "race_group": row["race_group"], "ethnicity": row["ethnicity"]})
    _multirow(ReferralCharge.__table__, charges)


def _multirow(table, rows: list[dict]) -> None:
    """On PostgreSQL, COPY: a list of rows handed to the driver's executemany goes one row at a
    time, which made a million referrals (and their charges) take most of an hour."""
    connection = db.session().connection()
    columns = sorted({key for row in rows for key in row})
    if connection.dialect.name != "postgresql":
        # Every row with every column: a multi-row INSERT takes its columns from the first row,
        # and would drop a decided row's decider when the first row is undecided.
        connection.execute(insert(table), [{**dict.fromkeys(columns), **row} for row in rows])
        return
    types = {c: table.c[c].type for c in columns}
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copy_value(row.get(c), types[c]) for c in columns])


def _copy_value(value, column_type):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # the columns hold naive UTC
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _partners() -> list[tuple[Organisation, User]]:
    pairs = []
    for organisation in db.session().scalars(select(Organisation).where(
            Organisation.kind.in_(PARTNER_KINDS))):
        referrer = next((u for u in organisation.users if u.role is Role.REFERRER), None)
        if referrer is not None:
            pairs.append((organisation, referrer))
    if not pairs:
        raise RuntimeError("load the demo accounts first: `lead-portal demo`")
    return pairs


def _deciders() -> list[User]:
    deciders = list(db.session().scalars(select(User).where(User.role == Role.COORDINATOR)))
    if not deciders:  # a decided referral needs its decider: the database refuses it without
        raise RuntimeError("load the demo accounts first (no coordinator): `lead-portal demo`")
    return deciders


def _fresh_references(rng: random.Random, count: int) -> list[str]:
    taken = set(db.session().scalars(select(Referral.reference).where(
        Referral.reference.is_not(None))))
    fresh: set[str] = set()
    while len(fresh) < count:
        code = readable_code(8)
        reference = f"{code[:4]}-{code[4:]}"
        if reference not in taken:
            fresh.add(reference)
    return rng.sample(sorted(fresh), count)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _row(rng, is_open, partners, deciders, reference, today, latest, ruleset) -> dict:
    organisation, referrer = rng.choice(partners)
    route = ("arrest_diversion" if organisation.kind is OrgKind.LAW_ENFORCEMENT
             and rng.random() < 0.7 else "social_contact")
    status = _pick(rng, OPEN if is_open else CLOSED)
    age_days = rng.randint(60, 3 * 365) if not is_open else (
        rng.randint(31, 45) if status == "accepted" and rng.random() < 0.2  # intake overdue
        else rng.randint(0, 25))
    submitted = min(latest, datetime.combine(today - timedelta(days=age_days),
                                             datetime.min.time(), UTC)
                    + timedelta(minutes=rng.randint(0, 24 * 60 - 1)))
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    born = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
    demographics = {"race": list(_pick(rng, RACES)), "ethnicity": _pick(rng, ETHNICITIES),
                    "gender": _pick(rng, GENDERS)}
    charges = _charges(rng, route, ruleset)
    row = {
        "reference": reference, "route": route, "status": status,
        "organisation_id": organisation.id, "referrer_id": referrer.id,
        "answers": {"person": {"legal_name": name, "date_of_birth": born.isoformat(),
                               "language": "es" if rng.random() < 0.2 else "en"},
                    "demographics": demographics,
                    "charges" if route == "arrest_diversion" else "conduct": {"charges": charges}},
        "created_at": submitted, "updated_at": submitted, "submitted_at": submitted,
        "legal_name": name, "date_of_birth": born, "version": 1,
        "search_names": search_names([name]),
        "screening_decision": _pick(rng, [("eligible", 70), ("needs_review", 20),
                                          ("ineligible", 10)]),
        "intake_deadline": submitted.date() + timedelta(days=30)
        if route == "arrest_diversion" else None,
        **reporting_values(demographics["race"], demographics["ethnicity"],
                           demographics["gender"], born, submitted.date()),
    }
    return row | _decision(rng, status, submitted, deciders, latest)


def _charges(rng, route: str, ruleset: Ruleset) -> list[str]:
    """One or two charges for an arrest (now and then one not on the list), one kind of
    conduct for a social contact."""
    if route != "arrest_diversion":  # what the conduct page offers
        return [rng.choice([kind.code for kind in ruleset.conduct_kinds()])]
    codes = [charge.code for charge in ruleset.charges]
    chosen = rng.sample(codes, 2 if rng.random() < 0.3 else 1)
    return chosen + (["other"] if rng.random() < 0.03 else [])


def _decision(rng, status: str, submitted: datetime, deciders: list[User],
              latest: datetime) -> dict:
    decider = rng.choice(deciders)
    if status in {"in_review", "needs_information"}:
        return {"claimed_by_id": decider.id,
                "claimed_at": min(latest, submitted + timedelta(hours=2))}
    if status in {"submitted", "withdrawn"}:
        return {}
    decided_at = min(latest, submitted + timedelta(days=_pick(rng, DECISION_DAYS),
                                                   minutes=rng.randint(0, 8 * 60)))
    decided = {"decided_by_id": decider.id, "decided_at": decided_at}
    if status == "declined":
        decided |= {"decline_reason": rng.choice(DECLINE_REASONS),
                    "declined_by": rng.choice(["program", "person"]),
                    "decision_note": "Declined after review."}
    if status == "intake_completed":
        decided["intake_completed_on"] = min(latest.date(), decided_at.date()
                                             + timedelta(days=rng.randint(1, 28)))
    return decided

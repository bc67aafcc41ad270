"""A million referrals on PostgreSQL in about a minute: set-based SQL (INSERT ... SELECT over
generate_series), not rows made in Python.

The spread follows portal/demo/referrals.py (the same statuses, races, ethnicities, decision
times, charges and share of open referrals, most closed ones from 60 days to 3 years old), drawn
with PostgreSQL's random() after setseed, so a size gives the same data each run. Run it after
`lead-portal demo` (the partners, their referrers and the coordinators must exist); then
`lead-portal reports rebuild` counts the report's cells, as the migration does for a database
in service.
"""

from __future__ import annotations

from sqlalchemy import create_engine

from portal.eligibility import default_ruleset


def _cumulative(weighted: list[tuple[str, int]], column: str) -> str:
    """A CASE over ``column`` (a uniform draw in [0, 1)) picking by weight."""
    total, running, arms = sum(w for _, w in weighted), 0, []
    for value, weight in weighted[:-1]:
        running += weight
        arms.append(f"WHEN {column} < {running / total} THEN {value}")
    return f"CASE {' '.join(arms)} ELSE {weighted[-1][0]} END"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


CLOSED = [("intake_completed", 45), ("intake_missed", 15), ("declined", 25), ("withdrawn", 15)]
OPEN = [("submitted", 35), ("in_review", 30), ("needs_information", 10), ("accepted", 25)]
RACES = [("white", 44), ("black", 30), ("asian", 4), ("american_indian_alaska_native", 3),
         ("native_hawaiian_pacific_islander", 1), ("another", 4), ("prefer_not", 8),
         ("two_or_more", 6)]
ETHNICITIES = [("not_hispanic", 72), ("hispanic", 18), ("prefer_not", 10)]
GENDERS = [("man", 68), ("woman", 28), ("non_binary", 2), ("another", 1), ("prefer_not", 1)]
DECISION_DAYS = [(0, 14), (1, 24), (2, 16), (3, 10), (4, 7), (5, 6), (7, 8), (10, 6), (14, 5),
                 (21, 3), (30, 1)]
SCREENING = [("eligible", 70), ("needs_review", 20), ("ineligible", 10)]
DECLINE_REASONS = ["not_eligible_charge", "duplicate", "unable_to_locate", "declined_by_person"]

# One row per referral with its draws; the columns follow from them.
DRAWS = """
CREATE TEMP TABLE draws ON COMMIT DROP AS
SELECT g, g <= :open_count AS is_open, random() AS r_status, random() AS r_age,
       random() AS r_partner, random() AS r_route, random() AS r_race, random() AS r_eth,
       random() AS r_gender, random() AS r_days, random() AS r_minutes, random() AS r_intake,
       random() AS r_screen, random() AS r_born, random() AS r_decider, random() AS r_reason
FROM generate_series(1, :count) AS g
"""

REFERRALS = """
WITH partners(i, organisation_id, referrer_id, police) AS (VALUES {partners}),
picked AS (
  SELECT d.*, p.organisation_id, p.referrer_id,
         CASE WHEN p.police AND d.r_route < 0.7 THEN 'arrest_diversion'
              ELSE 'social_contact' END AS route,
         CASE WHEN d.is_open THEN {open_status} ELSE {closed_status} END AS status,
         ({deciders})[1 + floor(d.r_decider * {decider_count})::int] AS decider
  FROM draws d JOIN partners p ON p.i = 1 + floor(d.r_partner * {partner_count})::int
),
dated AS (
  SELECT *, least(now() AT TIME ZONE 'UTC',
                  date_trunc('day', now() AT TIME ZONE 'UTC')
                  - make_interval(days => CASE WHEN NOT is_open THEN 60 + floor(r_age * 1036)::int
                                               ELSE floor(r_age * 26)::int END)
                  + make_interval(mins => floor(r_minutes * 1440)::int)) AS submitted,
         date '1950-01-01' + floor(r_born * 20000)::int AS born
  FROM picked
),
decided AS (
  SELECT *, CASE WHEN status IN ('accepted', 'declined', 'intake_completed', 'intake_missed')
            THEN least(now() AT TIME ZONE 'UTC', submitted
                       + make_interval(days => {decision_days}, mins => floor(r_minutes * 480)::int))
            END AS decided_at
  FROM dated
)
INSERT INTO referrals (reference, route, status, organisation_id, referrer_id, answers,
  created_at, updated_at, submitted_at, legal_name, date_of_birth, version, screening_decision,
  intake_deadline, respond_by, race_group, ethnicity, gender, age_band, claimed_by_id,
  claimed_at, decided_by_id, decided_at, decline_reason, declined_by, decision_note,
  intake_completed_on)
SELECT 'Z' || lpad(g::text, 8, '0'), route, status, organisation_id, referrer_id, '{{}}',
  submitted, submitted, submitted, 'Person ' || g, born, 1, {screening},
  CASE WHEN route = 'arrest_diversion' THEN CAST(submitted AS date) + 30 END,
  CASE WHEN route = 'social_contact' THEN CAST(submitted AS date) + 14 END,
  {race}, {ethnicity}, {gender},
  CASE WHEN age < 18 THEN 'under_18' WHEN age < 25 THEN '18_24' WHEN age < 35 THEN '25_34'
       WHEN age < 45 THEN '35_44' WHEN age < 55 THEN '45_54' WHEN age < 65 THEN '55_64'
       ELSE '65_plus' END,
  CASE WHEN status IN ('in_review', 'needs_information') THEN decider END,
  CASE WHEN status IN ('in_review', 'needs_information')
       THEN least(now() AT TIME ZONE 'UTC', submitted + interval '2 hours') END,
  CASE WHEN decided_at IS NOT NULL THEN decider END, decided_at,
  CASE WHEN status = 'declined' THEN ({reasons})[1 + floor(r_reason * 4)::int] END,
  CASE WHEN status = 'declined' THEN CASE WHEN r_reason < 0.5 THEN 'program' ELSE 'person' END END,
  CASE WHEN status = 'declined' THEN 'Declined after review.' END,
  CASE WHEN status = 'intake_completed'
       THEN least(CAST(now() AT TIME ZONE 'UTC' AS date),
                  CAST(decided_at AS date) + 1 + floor(r_intake * 28)::int) END
FROM (SELECT *, extract(year FROM age(CAST(submitted AS date), born))::int AS age FROM decided) s
ORDER BY g
"""

# Slot 1: every referral's charge; slot 2: a second one for 30% of arrests; slot 3: "other"
# for 3% of arrests.
CHARGES = """
WITH codes(i, code, level) AS (VALUES {codes})
INSERT INTO referral_charges (referral_id, code, level, submitted_at, route, organisation_id,
                              race_group, ethnicity)
SELECT r.id, c.code, c.level, r.submitted_at, r.route, r.organisation_id, r.race_group,
       r.ethnicity
FROM referrals r JOIN codes c ON c.i = {pick}
WHERE r.reference LIKE 'Z%' {where}
"""


def generate(url: str, count: int) -> None:
    """``count`` referrals and their charges, in one transaction. The driver's own connection
    runs each statement without parameters, so that ``%`` is SQL's modulo and LIKE's."""
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.transaction():
            _generate(raw.driver_connection, count)
    finally:
        raw.close()
        engine.dispose()


def _generate(connection, count: int) -> None:
    connection.execute("SELECT setseed(0.2026)")
    partners = connection.execute(
        "SELECT o.id, min(u.id), o.kind = 'law_enforcement' FROM organisations o JOIN users u "
        "ON u.organisation_id = o.id AND u.role = 'referrer' WHERE o.kind <> 'program' "
        "GROUP BY o.id ORDER BY o.id").fetchall()
    deciders = [row[0] for row in connection.execute(
        "SELECT id FROM users WHERE role = 'coordinator' ORDER BY id")]
    open_count = min(count, max(50, min(3000, count // 10)))
    connection.execute(DRAWS.replace(":open_count", str(open_count))
                               .replace(":count", str(count)))
    connection.execute(REFERRALS.format(
        partners=", ".join(f"({i}, {o}, {u}, {str(p).lower()})"
                           for i, (o, u, p) in enumerate(partners, start=1)),
        partner_count=len(partners),
        deciders=f"ARRAY[{', '.join(map(str, deciders))}]", decider_count=len(deciders),
        open_status=_cumulative([(_q(s), w) for s, w in OPEN], "r_status"),
        closed_status=_cumulative([(_q(s), w) for s, w in CLOSED], "r_status"),
        decision_days=_cumulative(DECISION_DAYS, "r_days"),
        screening=_cumulative([(_q(s), w) for s, w in SCREENING], "r_screen"),
        race=_cumulative([(_q(s), w) for s, w in RACES], "r_race"),
        ethnicity=_cumulative([(_q(s), w) for s, w in ETHNICITIES], "r_eth"),
        gender=_cumulative([(_q(s), w) for s, w in GENDERS], "r_gender"),
        reasons=f"ARRAY[{', '.join(map(_q, DECLINE_REASONS))}]"))
    _charges(connection)


def _charges(connection) -> None:
    charges = default_ruleset().charges
    n = len(charges)
    codes = ", ".join(f"({i}, {_q(c.code)}, {_q(c.level)})" for i, c in enumerate(charges))
    first = f"(r.id::bigint * 7919) % {n}"
    second = f"((r.id::bigint * 7919) % {n} + 1 + (r.id / 10) % {n - 1}) % {n}"
    for pick, where in ((first, ""), (second, "AND r.route = 'arrest_diversion' AND r.id % 10 < 3")):
        connection.execute(CHARGES.format(codes=codes, pick=pick, where=where))
    connection.execute(
        "INSERT INTO referral_charges (referral_id, code, level, submitted_at, route, "
        "organisation_id, race_group, ethnicity) SELECT id, 'other', 'other', submitted_at, "
        "route, organisation_id, race_group, ethnicity FROM referrals WHERE reference LIKE 'Z%' "
        "AND route = 'arrest_diversion' AND id % 100 < 3")

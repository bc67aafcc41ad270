#!/usr/bin/env python3
"""The review queue's search by name on PostgreSQL, at 10,000 and 1,000,000 referrals.

    .venv/bin/python tests/bench/bench_search.py [--sizes 10000,1000000] [--runs 200]
    .venv/bin/python tests/bench/bench_search.py --database URL --grow 1000000 --sizes 1000000

`make bench` runs the default, 10,000 only; the goal is for 1,000,000 (`--sizes 10000,1000000`).

Each size gets a database of its own: `lead-portal demo --referrals 10000` (which keeps the
search column), then, above that, closed referrals copied set-based in one INSERT ... SELECT over
generate_series with new references and names (a million in about a minute instead of many).
`--database URL` measures a database already loaded (no load, nothing dropped). The search is timed in process, as the queue page runs it (one page of 51
rows, every status), for names typed as people type them: in order, reversed, without accents,
with a typo. Baseline, in the same run: the search by reference (a unique index). The goal:
p50 under 50 ms for a name at 1,000,000; EXPLAIN must show the trigram index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import RESULTS_DIR, run, tool  # noqa: E402
from bench_submissions import fresh_postgres  # noqa: E402

NAMES = ["maria garcia", "Garcia Maria", "José Martínez", "jose martinez", "Nguyen Alex",
         "Smith Jordan", "Dana O'Neil", "Lupe Williams", "Maria Garsia", "Tyrone Brown"]
INDEX = "ix_referrals_search_names"


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)}


def _timed(search, queries: list[str], runs: int) -> list[float]:
    spent = []
    for index in range(runs):
        started = time.perf_counter()
        search(queries[index % len(queries)])
        spent.append(time.perf_counter() - started)
    return spent


def _measure_in_process(url: str, runs: int) -> dict:
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
                       "LEAD_ENV": "development"})
    from sqlalchemy import select

    from portal import create_app, db
    from portal.referrals.models import Referral
    from portal.review import queries

    app = create_app()
    with app.app_context():
        session = db.session()
        references = list(session.scalars(select(Referral.reference).where(
            Referral.reference.is_not(None)).order_by(Referral.id).limit(5000)))
        references = random.Random(1).sample(references, min(50, len(references)))

        def search(q: str) -> list:
            found = queries.queue(None, queries.QueueFilter(q=q), date.today(),
                                  limit=queries.PAGE_SIZE + 1)
            session.rollback()  # each search its own transaction, as each request is
            return found

        for q in NAMES + references[:5]:  # warm the caches, as a server in service has them
            search(q)
        names = _timed(search, NAMES, runs)
        baseline = _timed(search, [r.replace("-", "").lower() for r in references], runs)
        statement = queries.queue_statement(None, queries.QueueFilter(q="maria garcia"),
                                            date.today(), limit=queries.PAGE_SIZE + 1)
        compiled = statement.compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
        # Literal values, no parameters: the driver must not read "%" as a placeholder.
        sql = str(compiled).replace("%%", "%")
        raw = session.connection().connection.driver_connection
        plan = "\n".join(row[0] for row in raw.execute(f"EXPLAIN {sql}").fetchall())
        session.rollback()
    return {"name": _percentiles(names), "reference_baseline": _percentiles(baseline),
            "ratio_p50": round(statistics.median(names) / statistics.median(baseline), 2),
            "index_used": INDEX in plan, "plan": plan}


SEED = 10_000  # referrals loaded by the demo; the rest are copied set-based
FIRST = ["Alex", "Jordan", "Maria", "José", "Aaliyah", "Sam", "Chris", "Lupe", "Dana", "Tyrone",
         "Mei", "Ahmed", "Rosa", "Jon", "John", "Keisha", "Luis", "Ana", "Bao", "Daniel"]
LAST = ["Smith", "García", "Johnson", "Nguyen", "Williams", "Martínez", "Brown", "O'Neil",
        "Lopez", "Davis", "Hernández", "Wilson", "Kim", "Jackson", "Rivera", "Lee"]
# Every column but the ones made new for each copy.
FRESH = {"id", "reference", "legal_name", "search_names", "date_of_birth"}
GROW_SQL = """
INSERT INTO referrals ({columns}, reference, legal_name, search_names, date_of_birth)
SELECT {columns},
       upper(substr(lpad(to_hex(n), 8, '0'), 1, 4) || '-' || substr(lpad(to_hex(n), 8, '0'), 5, 4)),
       first[f] || ' ' || last[l], folded_first[f] || ' ' || folded_last[l],
       date '1950-01-01' + CAST(n * 7919 % 20000 AS integer)
FROM (SELECT r.*, 4026531840 + row_number() OVER () AS n,
             1 + (hashint4(r.id * 31 + g) & 2147483647) % :first_count AS f,
             1 + (hashint4(r.id * 17 + g * 7) & 2147483647) % :last_count AS l
      FROM referrals r CROSS JOIN generate_series(1, :copies) AS g
      WHERE r.status IN ('declined', 'withdrawn', 'intake_completed', 'intake_missed')
      LIMIT :wanted) AS source,
     (SELECT CAST(:first AS text[]) AS first, CAST(:last AS text[]) AS last,
             CAST(:folded_first AS text[]) AS folded_first,
             CAST(:folded_last AS text[]) AS folded_last) AS names
ON CONFLICT (reference) DO NOTHING
"""


def grow(url: str, size: int) -> int:
    """Closed referrals copied until there are ``size``: one statement, no Python per row."""
    from sqlalchemy import create_engine, text

    from portal.review.search import fold

    engine = create_engine(url)
    with engine.begin() as connection:
        have = connection.scalar(text("SELECT count(*) FROM referrals"))
        closed = connection.scalar(text("SELECT count(*) FROM referrals WHERE status IN "
                                        "('declined', 'withdrawn', 'intake_completed', 'intake_missed')"))
        columns = [c for c in connection.execute(text("SELECT * FROM referrals LIMIT 0")).keys()
                   if c not in FRESH]
        wanted = max(0, size - have)
        if wanted:
            connection.execute(text(GROW_SQL.format(columns=", ".join(columns))), {
                "copies": wanted // closed + 1, "wanted": wanted, "first": FIRST, "last": LAST,
                "folded_first": [fold(n) for n in FIRST], "folded_last": [fold(n) for n in LAST],
                "first_count": len(FIRST), "last_count": len(LAST)})
        connection.execute(text("ANALYZE referrals"))
        total = connection.scalar(text("SELECT count(*) FROM referrals"))
    engine.dispose()
    return total


def measure(size: int, runs: int, database: str | None = None) -> dict:
    if database:
        return _measure_apart(database, runs)
    url, drop = fresh_postgres()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "LEAD_ENV": "development", "PYTHONPATH": str(HERE.parent.parent)}
    env.pop("TEST_DATABASE_URL", None)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            run([tool("lead-portal"), "db", "upgrade"], env=env, cwd=Path(workdir))
            started = time.monotonic()
            run([tool("lead-portal"), "demo", "--referrals", str(min(size, SEED))], env=env,
                cwd=Path(workdir), timeout=7200)
            grow(url, size)
            print(f"  loaded {size:,} referrals in {time.monotonic() - started:.0f} s", flush=True)
        return _measure_apart(url, runs)
    finally:
        drop()


def _measure_apart(url: str, runs: int) -> dict:
    """In a process of its own: create_app reads DATABASE_URL once."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "LEAD_ENV": "development"}
    env.pop("TEST_DATABASE_URL", None)
    out = run([sys.executable, __file__, "--measure", url, "--runs", str(runs)], env=env,
              timeout=3600)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database", help="measure this loaded database (one size)")
    parser.add_argument("--grow", type=int, help=argparse.SUPPRESS)  # with --database: copy up to N
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure_in_process(args.measure, args.runs)))
        return
    if args.database and args.grow:
        print(f"grown to {grow(args.database, args.grow):,} referrals")
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"search at {size:,} referrals (PostgreSQL)", flush=True)
        result = measure(size, args.runs, args.database)
        results[size] = result
        print(f"  name: p50 {result['name']['p50_ms']} ms, p99 {result['name']['p99_ms']} ms; "
              f"reference (baseline): p50 {result['reference_baseline']['p50_ms']} ms, "
              f"p99 {result['reference_baseline']['p99_ms']} ms; name/reference p50 "
              f"{result['ratio_p50']}x; trigram index in the plan: {result['index_used']}",
              flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "search.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

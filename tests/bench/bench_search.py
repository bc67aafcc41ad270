#!/usr/bin/env python3
"""The review queue's search by name on PostgreSQL, at 10,000 and 1,000,000 referrals.

    .venv/bin/python tests/bench/bench_search.py [--sizes 10000,1000000] [--runs 200]

Each size gets a database of its own, filled by `lead-portal demo --referrals N` (which keeps
the search column). The search is timed in process, as the queue page runs it (one page of 51
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
        statement = queries._filtered(None, queries.QueueFilter(q="maria garcia"), date.today())
        compiled = statement.order_by(*queries.QUEUE_ORDER).limit(51).compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
        # Literal values, no parameters: the driver must not read "%" as a placeholder.
        sql = str(compiled).replace("%%", "%")
        raw = session.connection().connection.driver_connection
        plan = "\n".join(row[0] for row in raw.execute(f"EXPLAIN {sql}").fetchall())
        session.rollback()
    return {"name": _percentiles(names), "reference_baseline": _percentiles(baseline),
            "ratio_p50": round(statistics.median(names) / statistics.median(baseline), 2),
            "index_used": INDEX in plan, "plan": plan}


def measure(size: int, runs: int) -> dict:
    url, drop = fresh_postgres()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "LEAD_ENV": "development"}
    env.pop("TEST_DATABASE_URL", None)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            run([tool("lead-portal"), "db", "upgrade"], env=env, cwd=Path(workdir))
            started = time.monotonic()
            run([tool("lead-portal"), "demo", "--referrals", str(size)], env=env,
                cwd=Path(workdir), timeout=7200)
            print(f"  loaded {size:,} referrals in {time.monotonic() - started:.0f} s", flush=True)
        # In a process of its own: create_app reads DATABASE_URL once.
        out = run([sys.executable, __file__, "--measure", url, "--runs", str(runs)], env=env,
                  timeout=3600)
        return json.loads(out.strip().splitlines()[-1])
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure_in_process(args.measure, args.runs)))
        return
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"search at {size:,} referrals (PostgreSQL)", flush=True)
        result = measure(size, args.runs)
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

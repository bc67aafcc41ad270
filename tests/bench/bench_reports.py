#!/usr/bin/env python3
"""The reports page, one table's CSV and `lead-portal report` for one year, and the
coordinators' digest, on PostgreSQL at 10,000 referrals (and 1,000,000 with --million), with
EXPLAIN ANALYZE of every aggregate the report runs and of the digest's queries.

    .venv/bin/python tests/bench/bench_reports.py [--quick] [--million] [--sizes 10000,1000000]
                                                   [--rounds 7]

Each figure is the median of --rounds runs, beside a baseline measured in the same run: the same
request for a year with no referrals (the fixed cost: signing in, the template, the process).
The goal (issue 13): the page for a year at 1,000,000 referrals in under 1 second. The referrals
are made by set-based SQL (million.py: a million in about a minute), then counted into the
report's cells by `lead-portal reports rebuild`, as the migration counts a database in service.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import RESULTS_DIR, PortalSite, _median, http_get, tool  # noqa: E402
from bench_submissions import fresh_postgres  # noqa: E402
from million import generate  # noqa: E402

OPEN_INDEX = "ix_referrals_open_submitted"

ROOT = HERE.parent.parent  # the checkout whose portal is measured (not the venv's install)

TODAY = date.today()
YEAR = {"start": (TODAY - timedelta(days=364)).isoformat(), "end": TODAY.isoformat()}
EMPTY = {"start": "1990-01-01", "end": "1990-12-31"}


def timed_get(url: str, cookie: str) -> float:
    started = time.perf_counter()
    status, _, body = http_get(url, cookie=cookie, timeout=120, follow=False)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{url} answered {status}: {body[:200]}")
    return elapsed


def timed_command(site: PortalSite, period: dict, fmt: str) -> float:
    started = time.perf_counter()
    subprocess.run([tool("lead-portal"), "report", "--from", period["start"], "--to",
                    period["end"], "--format", fmt], env=site.env, cwd=site.workdir, check=True,
                   stdout=subprocess.DEVNULL, timeout=600)
    return time.perf_counter() - started


def measure_pair(label: str, run, rounds: int) -> dict:
    """Median of ``rounds`` runs for the year and for the empty baseline, interleaved."""
    year, empty = [], []
    run(EMPTY)  # warm: the first request of a worker loads templates and the ruleset
    run(YEAR)
    for _ in range(rounds):
        empty.append(run(EMPTY))
        year.append(run(YEAR))
    result = {"year_ms": round(_median(year) * 1000, 1),
              "empty_ms": round(_median(empty) * 1000, 1),
              "ratio_to_empty": round(_median(year) / _median(empty), 2),
              "runs_ms": [round(v * 1000, 1) for v in year]}
    print(f"  {label}: year {result['year_ms']:.0f} ms (median of {rounds}), empty year "
          f"{result['empty_ms']:.0f} ms, ratio {result['ratio_to_empty']:.2f}", flush=True)
    return result


def _app(url: str):
    from portal import create_app
    from portal.config import from_env

    return create_app(from_env({"DATABASE_URL": url, "SECRET_KEY": "", "LEAD_ENV": "development"}))


def explain(url: str) -> dict[str, dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of each aggregate for the year, run as the app runs it."""
    from portal.reports.queries import QUERIES, Criteria

    app = _app(url)
    engine = app.extensions["portal.db"].engine
    criteria = Criteria(date.fromisoformat(YEAR["start"]), date.fromisoformat(YEAR["end"]))
    with engine.connect() as connection:
        plans = {name: _explain(connection, build(criteria).compile(dialect=engine.dialect))
                 for name, build in QUERIES.items()}
    engine.dispose()
    return plans


def _explain(connection, compiled, params=None) -> dict:
    if params is None:
        params = {k: (v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime)
                      else getattr(v, "value", v)) for k, v in compiled.params.items()}
    rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled),
                                      params).all()
    plan = "\n".join(r[0] for r in rows)
    took = float(plan.rsplit("Execution Time: ", 1)[1].split(" ")[0])
    return {"execution_ms": took, "plan": plan}


def _weekday() -> date:
    """Today, or the Friday before on a weekend (the digest is sent on weekdays only)."""
    return TODAY - timedelta(days=max(0, TODAY.weekday() - 4))


def measure_digest(url: str, rounds: int) -> dict:
    """send_digests in the process (median of ``rounds``, each rolled back so that every run
    does the whole work), and EXPLAIN ANALYZE of each query it sends to the referrals."""
    from sqlalchemy import event

    from portal import db
    from portal.notices.digest import send_digests

    app = _app(url)
    engine = app.extensions["portal.db"].engine
    seen: list = []
    times, queued = [], 0

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "FROM referrals" in statement and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        ruleset, day = app.extensions["portal.ruleset"], _weekday()
        for index in range(rounds + 1):
            if index == rounds:
                event.listen(engine, "before_cursor_execute", keep)
            started = time.perf_counter()
            queued = send_digests(ruleset, day, datetime.now(UTC))
            times.append(time.perf_counter() - started)
            db.session().rollback()
        event.remove(engine, "before_cursor_execute", keep)
    queries = list(dict.fromkeys((st, tuple(sorted(p.items()))) for st, p in seen))
    with engine.connect() as connection:
        plans = {f"digest_{number}": {**_explain(connection, st, dict(p)), "sql": st}
                 for number, (st, p) in enumerate(queries)}
        # The same without the open referrals' index (dropped in a transaction rolled back).
        connection.exec_driver_sql(f"DROP INDEX {OPEN_INDEX}")
        for number, (st, p) in enumerate(queries):
            without = _explain(connection, st, dict(p))
            plans[f"digest_{number}"] |= {"without_index_ms": without["execution_ms"],
                                          "without_index_plan": without["plan"]}
        connection.rollback()
    engine.dispose()
    result = {"median_ms": round(_median(times[:rounds]) * 1000, 1), "queued": queued,
              "runs_ms": [round(t * 1000, 1) for t in times[:rounds]], "explain": plans}
    print(f"  digest: {result['median_ms']:.0f} ms (median of {rounds}, {queued} queued); "
          "queries " + ", ".join(f"{v['execution_ms']:.1f} ms ({v['without_index_ms']:.1f} ms "
                                 f"without {OPEN_INDEX})" for v in plans.values()), flush=True)
    return result


def measure(size: int, workdir: Path, args) -> dict:
    url, drop = fresh_postgres()
    env = {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    try:
        with PortalSite(workdir, workers=args.workers, extra_env=env) as site:
            started = time.monotonic()
            generate(url, size)
            load_s = time.monotonic() - started
            started = time.monotonic()
            rebuilt = site.cli("reports", "rebuild", timeout=7200).strip()
            rebuild_s = time.monotonic() - started
            print(f"  made {size:,} referrals in {load_s:.0f} s; recounted the cells in "
                  f"{rebuild_s:.1f} s ({rebuilt})", flush=True)
            _vacuum(url)
            signed = site.sign_in()
            page = lambda p: timed_get(f"{site.url}/reports/?{urlencode(p)}", signed.cookie)  # noqa: E731
            csv = lambda p: timed_get(  # noqa: E731
                f"{site.url}/reports/tables/by_status_race.csv?{urlencode(p)}", signed.cookie)
            result = {"referrals": size, "load_s": round(load_s, 1),
                      "rebuild_s": round(rebuild_s, 1), "rebuilt": rebuilt,
                      "in_year": _in_year(url), "cells_in_year": _cells_in_year(url),
                      "page": measure_pair("page", page, args.rounds),
                      "csv": measure_pair("csv", csv, args.rounds),
                      "command_json": measure_pair(
                          "command (json)", lambda p: timed_command(site, p, "json"),
                          max(3, args.rounds // 2))}
            result["explain"] = explain(url)
            slowest = max(result["explain"].items(), key=lambda kv: kv[1]["execution_ms"])
            print("  queries: " + ", ".join(f"{k} {v['execution_ms']:.0f} ms"
                                            for k, v in result["explain"].items()), flush=True)
            print(f"  slowest ({slowest[0]}):\n" + slowest[1]["plan"], flush=True)
            result["digest"] = measure_digest(url, args.rounds)
            slowest = max(result["digest"]["explain"].items(),  # the one the index is for
                          key=lambda kv: kv[1]["without_index_ms"])
            print(f"  slowest of the digest:\n{slowest[1]['sql']}\n" + slowest[1]["plan"]
                  + "\n  the same without the index:\n" + slowest[1]["without_index_plan"],
                  flush=True)
    finally:
        drop()
    return result


def _vacuum(url: str) -> None:
    """As autovacuum leaves a database in service: statistics fresh, visibility map set (which
    lets PostgreSQL answer from the reporting indexes alone)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for table in ("referrals", "referral_charges", "report_cells", "report_day_cells",
                      "report_charge_cells"):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    engine.dispose()


def _in_year(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM referrals WHERE submitted_at >= "
                                       ":start"), {"start": YEAR["start"]})
    engine.dispose()
    return count


def _cells_in_year(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table} WHERE "
                                                "submitted_on >= :start"), {"start": YEAR["start"]})
                  for table in ("report_cells", "report_day_cells", "report_charge_cells")}
    engine.dispose()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--million", action="store_true",
                        help="10,000 and 1,000,000 referrals (about 10 minutes in all)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2,000 referrals, 3 rounds")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = "2000", 3
    if args.million:
        args.sizes = "10000,1000000"
    report = {"benchmark": "reports", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "period": YEAR, "results": []}
    with tempfile.TemporaryDirectory(prefix="lead-reports-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            workdir = Path(tmp) / str(size)
            workdir.mkdir()
            print(f"reports on postgresql with {size:,} referrals ...", flush=True)
            report["results"].append(measure(size, workdir, args))
    for r in report["results"]:
        print(f"reports ({r['referrals']:,} referrals, {r['in_year']:,} in the year): page "
              f"{r['page']['year_ms']:.0f} ms ({r['page']['ratio_to_empty']:.2f} x empty), csv "
              f"{r['csv']['year_ms']:.0f} ms, command {r['command_json']['year_ms']:.0f} ms "
              f"({r['command_json']['ratio_to_empty']:.2f} x empty), digest "
              f"{r['digest']['median_ms']:.0f} ms")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "reports.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.pop("TEST_DATABASE_URL", None)
    sys.exit(main())

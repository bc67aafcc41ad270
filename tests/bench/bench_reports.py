#!/usr/bin/env python3
"""The reports page, one table's CSV and `lead-portal report` for one year, at 10,000 and
1,000,000 referrals on PostgreSQL, with EXPLAIN ANALYZE of every aggregate the report runs.

    .venv/bin/python tests/bench/bench_reports.py [--quick] [--sizes 10000,1000000] [--rounds 7]

Each figure is the median of --rounds runs, beside a baseline measured in the same run: the same
request for a year with no referrals (the fixed cost: signing in, the template, the process).
The goal (issue 13): the page for a year at 1,000,000 referrals in under 1 second. Loading a
million referrals takes several minutes (`lead-portal demo --referrals N`).
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


def explain(url: str) -> dict[str, dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of each aggregate for the year, run as the app runs it."""
    from portal import create_app
    from portal.config import from_env
    from portal.reports.queries import QUERIES, Criteria

    app = create_app(from_env({"DATABASE_URL": url, "SECRET_KEY": "", "LEAD_ENV": "development"}))
    engine = app.extensions["portal.db"].engine
    criteria = Criteria(date.fromisoformat(YEAR["start"]), date.fromisoformat(YEAR["end"]))
    plans = {}
    with engine.connect() as connection:
        for name, build in QUERIES.items():
            compiled = build(criteria).compile(dialect=engine.dialect)
            params = {k: (v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime)
                          else getattr(v, "value", v)) for k, v in compiled.params.items()}
            rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled),
                                              params).all()
            plan = "\n".join(r[0] for r in rows)
            took = float(plan.rsplit("Execution Time: ", 1)[1].split(" ")[0])
            plans[name] = {"execution_ms": took, "plan": plan}
    engine.dispose()
    return plans


def measure(size: int, workdir: Path, args) -> dict:
    url, drop = fresh_postgres()
    try:
        with PortalSite(workdir, workers=args.workers, extra_env={"DATABASE_URL": url}) as site:
            started = time.monotonic()
            site.cli("demo", "--referrals", str(size), timeout=7200)
            load_s = time.monotonic() - started
            print(f"  loaded {size:,} referrals in {load_s:.0f} s", flush=True)
            _vacuum(url)
            signed = site.sign_in()
            page = lambda p: timed_get(f"{site.url}/reports/?{urlencode(p)}", signed.cookie)  # noqa: E731
            csv = lambda p: timed_get(  # noqa: E731
                f"{site.url}/reports/tables/by_status_race.csv?{urlencode(p)}", signed.cookie)
            result = {"referrals": size, "load_s": round(load_s, 1),
                      "in_year": _in_year(url),
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
    finally:
        drop()
    return result


def _vacuum(url: str) -> None:
    """As autovacuum leaves a database in service: statistics fresh, visibility map set (which
    lets PostgreSQL answer from the reporting indexes alone)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE referrals")
        connection.exec_driver_sql("VACUUM ANALYZE referral_charges")
    engine.dispose()


def _in_year(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text("SELECT count(*) FROM referrals WHERE submitted_at >= "
                                       ":start"), {"start": YEAR["start"]})
    engine.dispose()
    return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2,000 referrals, 3 rounds")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds = "2000", 3
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
              f"({r['command_json']['ratio_to_empty']:.2f} x empty)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "reports.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.pop("TEST_DATABASE_URL", None)
    sys.exit(main())

#!/usr/bin/env python3
"""The prosecutor's office's list and its CSV, in process (Flask's test client), with the demo's
referrals in bulk: 10,000 and 100,000 on SQLite, and PostgreSQL at the same sizes with --postgres.

    .venv/bin/python tests/bench/bench_prosecutor.py [--sizes 10000,100000] [--runs 15] [--postgres]

The goal: the list's first page (50 rows, newest change first, by keyset) at 100,000 referrals
within 1.5 times its time at 10,000, filtered or not. The CSV holds every row of the office's
agency, so it grows with them: its time is reported, not held to a ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import RESULTS_DIR  # noqa: E402
from bench_submissions import fresh_postgres  # noqa: E402


def measure(url: str, size: int, runs: int) -> dict:
    from alembic import command
    from sqlalchemy import func, select

    from portal import create_app, db
    from portal.cli import alembic_config
    from portal.accounts.models import User
    from portal.demo import accounts
    from portal.demo.referrals import generate
    from portal.prosecutor.models import ProsecutorUpdate
    from tests.conftest import test_settings
    from tests.pages import Client

    command.upgrade(alembic_config(url), "head")
    app = create_app(test_settings(url))
    started = time.monotonic()
    with db.transaction(app):
        accounts.load_accounts()
    with db.transaction(app):
        generate(size)
    load_s = time.monotonic() - started
    with db.transaction(app) as work:
        user = work.scalar(select(User).where(User.email == "prosecutor@da.demo"))
        rows = work.scalar(select(func.count()).select_from(ProsecutorUpdate))
        work.expunge(user)
    browser = Client(app.test_client(), app)
    browser.sign_in(user, password=accounts.PASSWORD)
    timings = {}
    for name, path in (("page", "/prosecutor/referrals"),
                       ("page_declined", "/prosecutor/referrals?change=declined"),
                       ("csv", "/prosecutor/referrals.csv")):
        times = []
        for _ in range(runs if name != "csv" else max(3, runs // 5)):
            begun = time.perf_counter()
            response = browser.raw.get(path)
            times.append(time.perf_counter() - begun)
            assert response.status_code == 200, (path, response.status_code)
        timings[name] = round(statistics.median(times) * 1000, 1)
    app.extensions["portal.db"].engine.dispose()
    return {"referrals": size, "office_rows": rows, "load_s": round(load_s, 1),
            "median_ms": timings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for database in ["sqlite"] + (["postgresql"] if args.postgres else []):
        results[database] = []
        for size in sizes:
            with tempfile.TemporaryDirectory() as workdir:
                drop = None
                url = f"sqlite:///{Path(workdir) / 'prosecutor.sqlite3'}"
                if database == "postgresql":
                    url, drop = fresh_postgres()
                try:
                    result = measure(url, size, args.runs)
                finally:
                    if drop:
                        drop()
            print(f"{database} {size:,}: {json.dumps(result)}", flush=True)
            results[database].append(result)
        first, last = results[database][0], results[database][-1]
        for name in ("page", "page_declined"):
            ratio = round(last["median_ms"][name] / max(first["median_ms"][name], 1e-9), 2)
            verdict = "ok" if ratio <= 1.5 else "OVER the 1.5 goal"
            print(f"{database} {name}: {last['referrals']:,} / {first['referrals']:,} = {ratio} "
                  f"({verdict})")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "prosecutor.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

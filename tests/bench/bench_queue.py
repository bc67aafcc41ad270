#!/usr/bin/env python3
"""The coordinators' queue and "claim next" under gunicorn (2 workers), with 10,000 and 1,000,000
referrals on PostgreSQL and 100,000 on SQLite, against the anchor page (tests/bench/anchor.py: a
minimal Flask app reading 50 rows with SQLAlchemy Core into a Jinja table, on the same database)
and the bare "hello" baseline, each served the same way and measured in the same round.

    .venv/bin/python tests/bench/bench_queue.py [--quick] [--sizes postgresql:10000,...]

`make bench` runs the default, 10,000 on each database; for the growth goal, add
postgresql:1000000 (loaded as bench_search.py does: the demo's 10,000, then closed referrals
copied set-based, about a minute).

The goal: the queue page at 1,000,000 referrals within 1.5 times its time at 10,000 (the cost must
not grow with closed history), and at least half the anchor's rate. Loading a million
referrals takes a few minutes (`lead-portal demo --referrals N`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import (  # noqa: E402
    COORDINATOR, RESULTS_DIR, GunicornServer, PortalSite, _median, _ratio, form_field, http_get, wrk,
)
from bench_search import SEED, grow  # noqa: E402
from bench_submissions import fresh_postgres  # noqa: E402

CLAIM_LUA = """
function request()
  return wrk.format("POST", "/review/claim-next",
    {{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "{cookie}"}},
    "csrf_token={token}")
end
"""


def claimed(url: str) -> int:
    from portal.models import metadata

    referrals = metadata.tables["referrals"]
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).where(referrals.c.claimed_by_id.is_not(None)))
    engine.dispose()
    return count


def claimable(url: str) -> int:
    from portal.models import metadata

    referrals = metadata.tables["referrals"]
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).where(
            referrals.c.claimed_by_id.is_(None),
            referrals.c.status.in_(["submitted", "in_review"])))
    engine.dispose()
    return count


def measure(database: str, size: int, workdir: Path, hello: GunicornServer, args) -> dict:
    drop = None
    url = f"sqlite:///{workdir / 'queue.sqlite3'}"
    if database == "postgresql":
        url, drop = fresh_postgres()
    try:
        with PortalSite(workdir, workers=args.workers, extra_env={"DATABASE_URL": url}) as site:
            started = time.monotonic()
            site.cli("demo", "--referrals", str(min(size, SEED) if drop else size), timeout=3600)
            if drop and size > SEED:
                grow(url, size)
            load_s = time.monotonic() - started
            print(f"  loaded {size:,} referrals in {load_s:.0f} s", flush=True)
            signed = site.sign_in(COORDINATOR)
            anchor = GunicornServer("anchor", "anchor:app", chdir=HERE, workers=args.workers,
                                    env={**site.env, "DATABASE_URL": url},
                                    log_path=workdir / "anchor.log")
            with anchor:
                queue = _queue(site, signed, hello, anchor, args)
            claim = _claim(site, signed, url, args)
    finally:
        if drop:
            drop()
    return {"database": database, "referrals": size, "load_s": round(load_s, 1), "queue": queue,
            "claim_next": claim}


def _queue(site, signed, hello, anchor, args) -> dict:
    status, _, body = http_get(site.url + "/review/", cookie=signed.cookie, follow=False)
    if status != 200 or "Review queue" not in body:
        raise RuntimeError(f"the queue page answered {status}")
    rounds = []
    for _ in range(args.rounds):
        base = wrk(hello.url + "/", duration=args.duration, threads=args.threads,
                   connections=args.connections)
        least = wrk(anchor.url + "/", duration=args.duration, threads=args.threads,
                    connections=args.connections)
        page = wrk(site.url + "/review/", duration=args.duration, threads=args.threads,
                   connections=args.connections, cookie=signed.cookie)
        rounds.append({"portal": page, "hello": base, "anchor": least,
                       "ratio_rps": _ratio(page["rps"], base["rps"], 4),
                       "ratio_to_anchor": _ratio(page["rps"], least["rps"], 4)})
        print(f"  queue: {page['rps']:.0f} req/s, p50 {page['p50_ms']:.1f} ms, "
              f"p99 {page['p99_ms']:.1f} ms (anchor {least['rps']:.0f}, "
              f"hello {base['rps']:.0f})", flush=True)
    return {"rps": _median([r["portal"]["rps"] for r in rounds]),
            "p50_ms": _median([r["portal"]["p50_ms"] for r in rounds]),
            "p99_ms": _median([r["portal"]["p99_ms"] for r in rounds]),
            "ratio_to_hello": _median([r["ratio_rps"] for r in rounds]),
            "anchor_rps": _median([r["anchor"]["rps"] for r in rounds]),
            "ratio_to_anchor": _median([r["ratio_to_anchor"] for r in rounds]), "rounds": rounds}


def _claim(site, signed, url, args) -> dict:
    """Claims per second; each POST takes a different referral (counted in the database)."""
    _, _, body = http_get(site.url + "/review/", cookie=signed.cookie)
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(CLAIM_LUA.format(cookie=signed.cookie, token=form_field(body, "csrf_token")))
    pool, before = claimable(url), claimed(url)
    result = wrk(site.url + "/", duration=args.claim_duration, threads=args.threads,
                 connections=args.connections, script=script)
    made = claimed(url) - before
    script.unlink()
    print(f"  claim next: {made / args.claim_duration:.0f} claims/s ({result['rps']:.0f} req/s),"
          f" p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms", flush=True)
    return {"claims": made, "claims_per_s": round(made / args.claim_duration, 1),
            "rps": result["rps"], "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"],
            "claimable_before": pool,
            "note": "the pool ran out: claims/s is a lower bound" if made >= pool else ""}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="postgresql:10000,sqlite:10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--claim-duration", type=float, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="small sizes, one short round")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds, args.duration = "postgresql:2000,sqlite:2000", 1, 2
    report = {"benchmark": "queue", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "results": []}
    with tempfile.TemporaryDirectory(prefix="lead-queue-") as tmp:
        hello = GunicornServer("hello", "hello:app", chdir=HERE, workers=args.workers,
                               log_path=Path(tmp) / "hello.log")
        with hello:
            for spec in args.sizes.split(","):
                database, size = spec.split(":")
                workdir = Path(tmp) / spec.replace(":", "-")
                workdir.mkdir()
                print(f"queue on {database} with {int(size):,} referrals ...", flush=True)
                report["results"].append(measure(database, int(size), workdir, hello, args))
    _summary(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "queue.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


def _summary(report: dict) -> None:
    for r in report["results"]:
        q, c = r["queue"], r["claim_next"]
        print(f"queue ({r['database']}, {r['referrals']:,}): {q['rps']:.0f} req/s, "
              f"{q['ratio_to_anchor']:.3f} x the anchor ({q['anchor_rps']:.0f} req/s, goal >= 0.5), "
              f"{q['ratio_to_hello']:.3f} x hello, p50 {q['p50_ms']:.1f} ms, p99 {q['p99_ms']:.1f} ms;"
              f" claim next {c['claims_per_s']:.0f}/s, p50 {c['p50_ms']:.1f} ms")
    by_size = {r["referrals"]: r for r in report["results"] if r["database"] == "postgresql"}
    if 10_000 in by_size and 1_000_000 in by_size:
        growth = by_size[1_000_000]["queue"]["p50_ms"] / by_size[10_000]["queue"]["p50_ms"]
        print(f"queue p50 at 1,000,000 / at 10,000 on PostgreSQL: {growth:.2f} (goal <= 1.5)")
        report["growth_1m_over_10k_p50"] = round(growth, 3)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Submissions per second: the final POST of a complete referral (screening, consent, audit),
under gunicorn with 2 workers, on SQLite and on PostgreSQL, against the bare "hello" baseline.

    .venv/bin/python tests/bench/bench_submissions.py [--quick] [--databases sqlite,postgresql]

Each round submits twice: with every coordinator taking new referrals "at once" (the demo has
one coordinator: one outbox message written in each submission's transaction), then with all of
them "only in the digest" (none), so the cost the outbox adds is read in the same round.

One complete draft is entered through the real pages as the demo officer; it is then copied
into enough drafts that every POST of the run submits a different one (wrk's Lua script walks
the draft ids). After each run the database is asked how many referrals were really submitted,
so a run that only bounced off redirects cannot pass for a fast one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import (  # noqa: E402
    RESULTS_DIR, BenchError, GunicornServer, PortalSite, _median, _ratio, form_field, wrk,
)

from tests.referrals.builders import PAGES, consent_page  # noqa: E402

OFFICER = "officer@police.demo"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LUA = """
local first, per_thread = {first}, {per_thread}
local threads = 0
function setup(thread) thread:set("index", threads); threads = threads + 1 end
function init(args) sent = 0 end
function request()
  local id = first + index * per_thread + sent
  sent = sent + 1
  return wrk.format("POST", "/referrals/" .. id .. "/check",
    {{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "{cookie}"}},
    "csrf_token={token}")
end
"""


def enter_one_draft(site: PortalSite, signed) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(signed.jar))

    def post(path: str, data: dict) -> str:
        with opener.open(site.url + path, timeout=30) as page:
            token = form_field(page.read().decode(), "csrf_token")
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        with opener.open(urllib.request.Request(site.url + path, data=body), timeout=30) as done:
            return urllib.parse.urlsplit(done.url).path

    where = post("/referrals/new", {"route": "arrest_diversion"})
    referral_id = int(where.split("/")[2])
    for slug, data in [*PAGES["arrest_diversion"], ("consent", consent_page("arrest_diversion"))]:
        post(f"/referrals/{referral_id}/{slug}", data)
    with opener.open(f"{site.url}/referrals/{referral_id}/check", timeout=30) as page:
        return referral_id, form_field(page.read().decode(), "csrf_token")


def copy_drafts(url: str, template_id: int, count: int) -> int:
    """Copies of the complete draft; returns the first new id (ids are consecutive)."""
    from portal.models import metadata

    referrals = metadata.tables["referrals"]
    engine = create_engine(url)
    with engine.begin() as connection:
        row = connection.execute(select(referrals).where(referrals.c.id == template_id)).one()
        copy = {k: v for k, v in row._mapping.items() if k != "id"}
        first = connection.scalar(select(func.max(referrals.c.id))) + 1
        connection.execute(insert(referrals), [
            {**copy, "id": first + i, "answers": _born(copy["answers"], first + i)}
            for i in range(count)])
    engine.dispose()
    return first


def _born(answers: dict, number: int) -> dict:
    """The copy's person born on a day of their own: copies of one person would each be a
    possible duplicate of every earlier one, which no program's referrals are."""
    person = dict(answers["person"])
    person["date_of_birth"] = (date(1950, 1, 1) + timedelta(days=number % 18000)).isoformat()
    return {**answers, "person": person}


def choose_new_referral_notices(url: str, choice: str) -> None:
    """Every coordinator's choice for the "new referral" notice (at_once or digest)."""
    from portal.models import metadata

    users, choices = metadata.tables["users"], metadata.tables["notice_choices"]
    engine = create_engine(url)
    with engine.begin() as connection:
        ids = connection.scalars(select(users.c.id).where(users.c.role == "coordinator")).all()
        connection.execute(choices.delete().where(choices.c.notice == "new_referral"))
        connection.execute(insert(choices), [
            {"user_id": i, "notice": "new_referral", "choice": choice,
             "updated_at": datetime.now(UTC)} for i in ids])
    engine.dispose()


def messages(url: str) -> int:
    from portal.models import metadata

    outbox = metadata.tables["outbox_messages"]
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(outbox))
    engine.dispose()
    return count


def submitted(url: str) -> int:
    from portal.models import metadata

    referrals = metadata.tables["referrals"]
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).where(referrals.c.status == "submitted"))
    engine.dispose()
    return count


def fresh_postgres() -> tuple[str, callable]:
    name = f"lead_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), drop


def measure(database: str, workdir: Path, hello: GunicornServer, args) -> dict:
    drop = None
    if database == "postgresql":
        url, drop = fresh_postgres()
    else:
        url = f"sqlite:///{workdir / 'submissions.sqlite3'}"
    try:
        with PortalSite(workdir, workers=args.workers, extra_env={"DATABASE_URL": url}) as site:
            signed = site.sign_in(OFFICER)
            template, token = enter_one_draft(site, signed)
            rounds = [_round(site, signed, url, template, token, hello, args, i)
                      for i in range(args.rounds)]
    finally:
        if drop:
            drop()
    return {"database": database,
            "median": {"rps": _median([r["portal"]["rps"] for r in rounds]),
                       "p50_ms": _median([r["portal"]["p50_ms"] for r in rounds]),
                       "p99_ms": _median([r["portal"]["p99_ms"] for r in rounds])},
            "ratio_to_hello": {"rps": _median([r["ratio_rps"] for r in rounds])},
            "without_notices_rps": _median([r["without_notices"]["rps"] for r in rounds]),
            "notices_cost": _median([r["notices_cost"] for r in rounds]),
            "rounds": rounds}


def _round(site, signed, url, template, token, hello, args, number) -> dict:
    baseline = wrk(hello.url + "/", duration=args.duration, threads=args.threads,
                   connections=args.connections)
    runs = {choice: _submit(site, signed, url, template, token, args, choice)
            for choice in ("at_once", "digest")}
    portal = runs["at_once"]
    print(f"  round {number + 1}: {portal['rps']:.0f} submissions/s with notices "
          f"({portal['messages']} messages), {runs['digest']['rps']:.0f}/s without; "
          f"p50 {portal['p50_ms']:.1f} ms, p99 {portal['p99_ms']:.1f} ms; "
          f"hello {baseline['rps']:.0f} req/s", flush=True)
    return {"portal": portal, "without_notices": runs["digest"], "hello": baseline,
            "ratio_rps": _ratio(portal["rps"], baseline["rps"], 4),
            "notices_cost": _ratio(portal["rps"], runs["digest"]["rps"], 3)}


def _submit(site, signed, url, template, token, args, choice: str) -> dict:
    choose_new_referral_notices(url, choice)
    per_thread = int(args.duration * 1500)  # more drafts than a thread can submit in the run
    first = copy_drafts(url, template, per_thread * args.threads)
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA.format(first=first, per_thread=per_thread, cookie=signed.cookie,
                                 token=token))
    before, written = submitted(url), messages(url)
    portal = wrk(site.url + "/", duration=args.duration, threads=args.threads,
                 connections=args.connections, script=script)
    made, written = submitted(url) - before, messages(url) - written
    script.unlink()
    if made < portal["requests"] * 0.99 or portal["non_2xx_3xx"]:
        raise BenchError(f"{portal['requests']} POSTs made only {made} referrals "
                         f"({portal['non_2xx_3xx']} errors): the run measured something else")
    if (written == 0) != (choice == "digest"):
        raise BenchError(f"{written} messages for {made} submissions with {choice!r}")
    return {**portal, "submitted": made, "messages": written, "rps": made / args.duration}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 2
    report = {"benchmark": "submissions", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "results": []}
    with tempfile.TemporaryDirectory(prefix="lead-submit-") as tmp:
        hello = GunicornServer("hello", "hello:app", chdir=HERE, workers=args.workers,
                               log_path=Path(tmp) / "hello.log")
        with hello:
            for database in args.databases.split(","):
                workdir = Path(tmp) / database
                workdir.mkdir()
                print(f"submissions on {database} ...", flush=True)
                report["results"].append(measure(database, workdir, hello, args))
    for result in report["results"]:
        print(f"submissions ({result['database']}): median {result['median']['rps']:.0f} req/s, "
              f"{result['ratio_to_hello']['rps']:.3f} x hello; p50 {result['median']['p50_ms']:.1f} ms,"
              f" p99 {result['median']['p99_ms']:.1f} ms; without notices "
              f"{result['without_notices_rps']:.0f}/s (with ÷ without: {result['notices_cost']:.3f})")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "submissions.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

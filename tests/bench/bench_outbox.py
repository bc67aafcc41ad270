#!/usr/bin/env python3
"""Messages delivered per second by one outbox worker to a local SMTP server.

    .venv/bin/python tests/bench/bench_outbox.py [--quick] [--messages N] [--rounds R]
                                                 [--database-url URL]

Each round fills a fresh outbox with N messages (text and HTML parts, like a notice), then
times one delivery pass (`deliver_pending`, what `lead-portal outbox deliver` runs) to an
aiosmtpd server that accepts and discards (a separate process on 127.0.0.1, so it does not
share this interpreter). The baseline, measured just before in the same round, sends the same
N messages with bare smtplib over one connection and no database: the ratio is what claiming,
composing and recording each message costs. Afterwards the database is asked how many
messages were really sent. Medians over the rounds; results in tests/bench/results/outbox.json.
SQLite by default (a temporary file); --database-url for PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import RESULTS_DIR, BenchError, free_port  # noqa: E402
from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from portal.config import Settings  # noqa: E402
from portal.db import Database  # noqa: E402
from portal.notifications.delivery import deliver_pending  # noqa: E402
from portal.notifications.models import OutboxMessage  # noqa: E402
from tests.conftest import migrate  # noqa: E402

TEXT = ("Referral K7QM-3XPA\n\nA coordinator has asked a question about this referral.\n\n"
        "Answer the question: https://lead.example.org/referrals/123\n")
HTML = "<!DOCTYPE html><html><body><p><strong>Referral K7QM-3XPA</strong></p>" \
       "<p><a href=\"https://lead.example.org/referrals/123\">Answer the question</a></p>" \
       "</body></html>"


class SmtpSink:
    """aiosmtpd in its own process, discarding what it receives."""

    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=2).quit()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise BenchError("aiosmtpd did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def fresh_database(base: str | None, folder: Path) -> tuple[str, callable]:
    if base is None:
        url = f"sqlite:///{folder / (uuid.uuid4().hex[:8] + '.sqlite3')}"
        migrate(url)
        return url, lambda: None
    name = f"lead_bench_outbox_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    migrate(url)

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, drop


def fill(url: str, count: int) -> None:
    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage), [
            {"kind": "information_requested", "recipient": f"officer{n}@police.example.org",
             "subject": f"Referral K7QM-{n:04d}: a coordinator has a question", "body": TEXT,
             "html_body": HTML, "created_at": now, "next_attempt_at": now, "attempts": 0}
            for n in range(count)])
    engine.dispose()


def baseline(port: int, count: int) -> float:
    """The same messages over one connection with bare smtplib: messages per second."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for n in range(count):
            email = EmailMessage()
            email["From"], email["To"] = "lead@example.org", f"officer{n}@police.example.org"
            email["Subject"] = f"Referral K7QM-{n:04d}: a coordinator has a question"
            email.set_content(TEXT)
            email.add_alternative(HTML, subtype="html")
            smtp.send_message(email)
    return count / (time.perf_counter() - start)


def one_round(base_url: str | None, folder: Path, port: int, count: int) -> dict:
    url, drop = fresh_database(base_url, folder)
    try:
        fill(url, count)
        bare = baseline(port, count)
        database = Database(url)
        settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port)
        start = time.perf_counter()
        result = deliver_pending(settings, database, "bench")
        elapsed = time.perf_counter() - start
        with database.engine.connect() as connection:
            sent = connection.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.sent_at.is_not(None)))
        database.engine.dispose()
        if sent != count or result.sent != count:
            raise BenchError(f"{sent} of {count} messages sent ({result})")
        return {"worker_per_s": round(count / elapsed, 1), "baseline_per_s": round(bare, 1)}
    finally:
        drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 300 messages")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server to make (and drop) databases on")
    args = parser.parse_args(argv)
    count, rounds = (300, 1) if args.quick else (args.messages, args.rounds)
    sink = SmtpSink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = [one_round(args.database_url, Path(folder), sink.port, count)
                       for _ in range(rounds)]
    finally:
        sink.stop()
    worker = statistics.median(r["worker_per_s"] for r in results)
    bare = statistics.median(r["baseline_per_s"] for r in results)
    report = {"database": "postgresql" if args.database_url else "sqlite", "messages": count,
              "rounds": results, "median_worker_per_s": round(worker, 1),
              "median_baseline_per_s": round(bare, 1),
              "ratio": round(statistics.median(r["worker_per_s"] / r["baseline_per_s"]
                                               for r in results), 3)}
    RESULTS_DIR.mkdir(exist_ok=True)
    name = "outbox.json" if not args.database_url else "outbox-postgresql.json"
    (RESULTS_DIR / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"outbox delivery ({report['database']}, {count} messages, {rounds} rounds): median "
          f"{report['median_worker_per_s']} messages/s; bare smtplib "
          f"{report['median_baseline_per_s']}/s; ratio {report['ratio']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The case conferencing list, in process (Flask's test client, signed in as the coordinator),
against the review queue page served the same way in the same run, on SQLite.

    .venv/bin/python tests/bench/bench_casework.py [--referrals 30000] [--runs 30]

The demo generator makes a few thousand open referrals (three groups of over 100 at 30,000);
every accepted one gets a case manager and two contact attempts. Reported: the medians of the
page and of the queue, their ratio, and the PDF (all three groups' 100 most urgent rows) in
seconds with its page count. No goal is asserted: the figures go in the branch's note.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from bench_http import RESULTS_DIR  # noqa: E402

COORDINATOR = "coordinator@lead.demo"


def _fill(app, count: int) -> int:
    from sqlalchemy import insert, select

    from portal.accounts.models import User
    from portal.casework.models import CaseManagerAssignment, ContactAttempt
    from portal.db import transaction
    from portal.demo import accounts
    from portal.demo.referrals import generate
    from portal.referrals.models import Referral

    with transaction(app):
        accounts.load_accounts()
    with transaction(app):
        generate(count)
    with transaction(app) as work:
        coordinator = work.scalar(select(User.id).where(User.email == COORDINATOR))
        accepted = work.execute(select(Referral.id, Referral.decided_at).where(
            Referral.status == "accepted")).all()
        now = datetime.now(UTC)
        work.execute(insert(CaseManagerAssignment), [
            {"referral_id": ident, "agency": "Harbor Outreach", "agency_contact": "Sam",
             "assigned_by_id": coordinator, "assigned_at": now} for ident, _ in accepted[::2]])
        work.execute(insert(ContactAttempt), [
            {"referral_id": ident, "attempted_on": decided.date(), "method": method,
             "outcome": "no_answer", "recorded_by_id": coordinator, "recorded_at": now}
            for ident, decided in accepted for method in ("phone", "outreach_visit")])
    return len(accepted)


def _timed(client, url: str, runs: int) -> list[float]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.raw.get(url)
        spent.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return spent


def _ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args()

    from io import BytesIO

    from pypdf import PdfReader
    from sqlalchemy import select

    from portal import create_app, db
    from portal.accounts.models import User
    from portal.demo.accounts import PASSWORD
    from tests.conftest import migrate, test_settings
    from tests.pages import Client

    with tempfile.TemporaryDirectory(prefix="lead-casework-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'casework.sqlite3'}"
        migrate(url)
        app = create_app(test_settings(url))
        accepted = _fill(app, args.referrals)
        with app.app_context():  # left before signing in: requests must not share its `g`
            user = db.session().scalar(select(User).where(User.email == COORDINATOR))
            db.session().expunge(user)
        client = Client(app.test_client(), app)
        signed = client.sign_in(user, password=PASSWORD)
        assert signed.status_code == 302, signed.status_code
        for warm in ("/casework/conference", "/review/"):
            _timed(client, warm, 3)
        rounds = []
        for _ in range(3):  # interleaved, so that both meet the same load on a shared machine
            rounds.append({"conference": _ms(_timed(client, "/casework/conference", args.runs)),
                           "queue": _ms(_timed(client, "/review/", args.runs))})
        pdf_s, pages = [], 0
        for _ in range(args.pdf_runs):
            started = time.perf_counter()
            response = client.raw.get("/casework/conference.pdf")
            pdf_s.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            pages = len(PdfReader(BytesIO(response.data)).pages)
    conference = statistics.median(r["conference"] for r in rounds)
    queue = statistics.median(r["queue"] for r in rounds)
    report = {"benchmark": "casework", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "referrals": args.referrals, "accepted_with_attempts": accepted,
              "conference_p50_ms": conference, "queue_p50_ms": queue,
              "ratio_conference_to_queue": round(conference / queue, 2),
              "pdf_median_s": round(statistics.median(pdf_s), 2), "pdf_pages": pages,
              "rounds": rounds}
    print(json.dumps(report, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "casework.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

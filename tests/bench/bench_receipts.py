#!/usr/bin/env python3
"""Rendering a referral receipt to PDF: warm time per receipt, the first render in a fresh
process, and whether a worker's memory grows with the number of receipts it has made.

    .venv/bin/python tests/bench/bench_receipts.py [--renders 60] [--fresh 3] [--quick]

Each render is the whole path a first download takes apart from the database: the document's
data, the autoescaped template, and WeasyPrint with the locked-down fetcher and the time limit.
The receipt is the partner's (the longest: screening, notes and the 42 CFR 2.32 notice, two
pages). The first render and the memory run each happen in a subprocess, as a fresh worker
would see them. The machines are shared: the warm figures are medians of many renders.
Goals: warm median under 150 ms; max RSS after 200 renders no more than a few MB above the
figure after 20 (no growth per receipt).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent)]
STARTED = time.perf_counter()

from portal import create_app  # noqa: E402
from portal.config import Settings  # noqa: E402
from portal.receipts import documents, templating  # noqa: E402
from portal.receipts.render import html_to_pdf  # noqa: E402
from portal.referrals.answers import Answers  # noqa: E402
from portal.referrals.states import Status  # noqa: E402

RESULTS_DIR = HERE / "results"
GOAL_MS = 150
ANSWERS = {
    "referrer": {"name": "Officer Dana Reyes", "badge_number": "4471", "phone": "303 555 0101"},
    "arrest": {"incident_number": "24-0001", "arrest_date": "2026-03-01", "arrest_time": "9:30pm",
               "arrest_place": "5th and Main"},
    "charges": {"charges": ["shoplifting", "trespassing"]},
    "person": {"legal_name": "José O'Neil", "date_of_birth": "1990-03-07", "language": "es"},
    "concerns": {"note": "Cooperative; asked about detox."},
}


def make_app():
    settings = Settings(env="development", secret_key="bench-" + "k" * 40,
                        database_url="sqlite://", argon2_profile="fast", testing=True)
    return create_app(settings)


def sources(app) -> documents.Sources:
    """A submitted arrest-diversion referral, as the rows would give it (no database needed)."""
    referral = SimpleNamespace(
        reference="KB5B-M7N2", route="arrest_diversion", intake_deadline=date(2026, 3, 31),
        status=Status.SUBMITTED, intake_completed_on=None,
        submitted_at=datetime(2026, 3, 1, 22, 5, tzinfo=UTC), legal_name="José O'Neil",
        date_of_birth=date(1990, 3, 7), partner_note="Seen twice this week near the library.",
        organisation=SimpleNamespace(name="Metro Police Department"),
        referrer=SimpleNamespace(name="Dana Reyes"))
    screening = SimpleNamespace(ruleset_version="2026.1", result={"decision": "eligible",
                                                                  "findings": []})
    return documents.Sources(referral=referral, answers=Answers.parse("arrest_diversion", ANSWERS),
                             screening=screening,
                             consent=None, ruleset=app.extensions["portal.ruleset"],
                             settings=app.extensions["portal.settings"],
                             made_at=datetime.now(UTC))


def render_one(app) -> bytes:
    """One receipt, end to end apart from the database."""
    with app.app_context():
        src = sources(app)
        html = templating.document_html(documents.receipt(src), for_pdf=True, paper="Letter",
                                        made_at=src.made_at)
    return html_to_pdf(html)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _max_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


# --- the subprocess modes ----------------------------------------------------------------------


def first_render() -> dict:
    app = make_app()
    ready = time.perf_counter()
    pdf = render_one(app)
    done = time.perf_counter()
    return {"first_ms": _ms(done - ready), "start_to_pdf_ms": _ms(done - STARTED),
            "bytes": len(pdf)}


def memory(counts: list[int]) -> dict:
    app = make_app()
    made, peaks = 0, {}
    for target in counts:
        while made < target:
            render_one(app)
            made += 1
        peaks[str(target)] = _max_rss_mb()
    return {"max_rss_mb": peaks}


# --- the run ----------------------------------------------------------------------------------------


def warm(renders: int) -> dict:
    app = make_app()
    for _ in range(3):
        render_one(app)
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        render_one(app)
        times.append(time.perf_counter() - start)
    times.sort()
    return {"renders": renders, "median_ms": _ms(statistics.median(times)),
            "p90_ms": _ms(times[int(0.9 * (len(times) - 1))]), "min_ms": _ms(times[0]),
            "max_ms": _ms(times[-1])}


def in_fresh_process(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--fresh", type=int, default=3, help="fresh processes for the first render")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--first", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first:
        print(json.dumps(first_render()))
        return 0
    if args.memory:
        print(json.dumps(memory([int(n) for n in args.memory.split(",")])))
        return 0
    if args.quick:
        args.renders, args.fresh = 20, 1
    return report(args)


def report(args) -> int:
    print("receipts: warm renders ...", flush=True)
    result = {"benchmark": "receipts", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "warm": warm(args.renders)}
    print(f"  warm: median {result['warm']['median_ms']} ms, p90 {result['warm']['p90_ms']} ms "
          f"over {args.renders} renders", flush=True)
    firsts = [in_fresh_process("--first") for _ in range(args.fresh)]
    result["first"] = {"runs": firsts,
                       "median_first_ms": statistics.median(f["first_ms"] for f in firsts),
                       "median_start_to_pdf_ms": statistics.median(f["start_to_pdf_ms"]
                                                                   for f in firsts)}
    print(f"  first render in a fresh process: {result['first']['median_first_ms']} ms "
          f"({result['first']['median_start_to_pdf_ms']} ms from interpreter start)", flush=True)
    result["memory"] = in_fresh_process("--memory", "20,200")["max_rss_mb"]
    growth = round(result["memory"]["200"] - result["memory"]["20"], 1)
    result["memory"]["growth_mb"] = growth
    result["memory"]["per_receipt_kb"] = round(growth * 1024 / 180, 1)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "receipts.json").write_text(json.dumps(result, indent=2) + "\n")
    verdict = "under" if result["warm"]["median_ms"] < GOAL_MS else "OVER"
    print(f"receipts: warm median {result['warm']['median_ms']} ms, p90 "
          f"{result['warm']['p90_ms']} ms ({verdict} the {GOAL_MS} ms goal); first render in a "
          f"fresh process {result['first']['median_first_ms']} ms; max RSS after 20 renders "
          f"{result['memory']['20']} MB, after 200 {result['memory']['200']} MB "
          f"(+{growth} MB, {result['memory']['per_receipt_kb']} KB per receipt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

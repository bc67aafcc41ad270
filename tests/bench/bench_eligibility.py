"""Benchmark the eligibility engine: parse_facts + screen over 100,000 varied referrals.

    python tests/bench/bench_eligibility.py [--count 100000] [--repeats 5]

Single-threaded, so it measures one core. The facts are generated from a fixed seed (both
routes, mixes of charges, answers and unknowns, about 2% invalid input), the timing passes run
without tracemalloc (it slows Python several-fold), and one further pass under tracemalloc
measures the peak memory the screening itself allocates. The goal is 20,000 screenings/s.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

try:
    import portal.eligibility  # noqa: F401
except ImportError:  # run from a checkout without PYTHONPATH: find the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.eligibility import FactsError, Ruleset, default_ruleset, parse_facts, screen

SEED = 20250301
GOAL = 20_000


def make_facts(rng: random.Random, ruleset: Ruleset) -> dict:
    route = rng.choice(("arrest_diversion", "social_contact"))
    contact = date(2024, 1, 1) + timedelta(days=rng.randrange(730))
    born = contact - timedelta(days=rng.randrange(365 * 16, 365 * 70))
    last = contact - timedelta(days=rng.randrange(1000)) if rng.random() < 0.9 else None
    return {
        "route": route,
        "referrer_org_kind": rng.choice(ruleset.route(route).org_kinds * 5 + ("community_partner",)),
        "contact_date": contact.isoformat(),
        "person": {"date_of_birth": born.isoformat()},
        "charges": make_charges(rng, ruleset, minimum=1 if route == "arrest_diversion" else 0),
        "treatment_court_case": rng.choice(("none",) * 8 + ("pending", "active", "unknown")),
        "protective_order_with_participant": rng.choice(("no",) * 8 + ("yes", "unknown")),
        "concerns": rng.sample(list(ruleset.concern_labels), rng.choice((0, 0, 0, 0, 1, 2))),
        "last_eligible_conduct_date": last.isoformat() if last else None,
        "consent_given": rng.random() < 0.95,
    }


def make_charges(rng: random.Random, ruleset: Ruleset, minimum: int) -> list[dict]:
    codes = [c.code for c in ruleset.charges] + ["other"]
    charges = []
    for code in rng.sample(codes, rng.randint(minimum, 3)):
        charge = ruleset.charge(code)
        answers = {}
        for qualifier in charge.qualifiers if charge else ():
            answer = rng.choice((qualifier.divertible_answer,) * 6 + (not qualifier.divertible_answer, None, "-"))
            if answer != "-":  # sometimes the question is left out altogether
                answers[qualifier.code] = answer
        entry = {"code": code, "answers": answers}
        if code == "other":
            entry["description"] = "Littering"
        charges.append(entry)
    return charges


def make_inputs(count: int, ruleset: Ruleset) -> list[dict]:
    rng = random.Random(SEED)
    inputs = [make_facts(rng, ruleset) for _ in range(count)]
    for data in rng.sample(inputs, count // 50):  # some invalid input, as a real API would see
        data["contact_date"] = "2025-02-30"
    return inputs


def one_pass(inputs: list[dict], ruleset: Ruleset) -> tuple[float, int]:
    refused = 0
    start = time.perf_counter()
    for data in inputs:
        try:
            screen(parse_facts(data, ruleset), ruleset)
        except FactsError:
            refused += 1
    return time.perf_counter() - start, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ruleset = default_ruleset()
    inputs = make_inputs(args.count, ruleset)
    rates = []
    for run in range(1, args.repeats + 1):
        seconds, refused = one_pass(inputs, ruleset)
        rates.append(args.count / seconds)
        print(f"run {run}: {args.count} in {seconds:.3f} s = {rates[-1]:,.0f}/s ({refused} refused as invalid)")
    tracemalloc.start()
    one_pass(inputs, ruleset)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    median = statistics.median(rates)
    verdict = "meets" if median >= GOAL else "BELOW"
    print(f"{verdict} the goal of {GOAL:,}/s on one core (Python {sys.version.split()[0]})")
    print(f"eligibility: median {median:,.0f} screenings/s, peak tracemalloc {peak / 2**20:.2f} MiB, "
          f"max RSS {max_rss:.0f} MiB")


if __name__ == "__main__":
    main()

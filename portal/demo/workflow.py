"""A few dozen demo referrals in every state, made as partners and a coordinator make them.

Unlike the bulk generator (portal/demo/referrals.py), which writes rows directly for volume,
these go through the app's own operations -- started, each page saved, submitted (consent,
screening, version), then claimed, asked, decided and closed -- so that every page, receipt and
report a newcomer opens works on them. Loaded once: a marker in the audit log says so.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import cycle

from flask import current_app
from sqlalchemy import select

from portal import audit, db
from portal.accounts.models import User
from portal.consent.texts import default_texts
from portal.demo.casework import give_casework
from portal.referrals import operations as referrals
from portal.referrals.states import Status
from portal.review import operations as review
from portal.audit.models import AuditEvent

LOADED = "demo.referrals_loaded"
ARREST, SOCIAL = "arrest_diversion", "social_contact"
OFFICER, OUTREACH, COORDINATOR = "officer@police.demo", "outreach@harbor.demo", "coordinator@lead.demo"
PROGRAM_ADMIN = "admin@lead.demo"
# How many of each state, and the coordinator's moves after submission that reach it.
STATES = (
    (Status.SUBMITTED, 8, ()),
    (Status.IN_REVIEW, 6, ("claim",)),
    (Status.NEEDS_INFORMATION, 4, ("claim", "ask")),
    (Status.ACCEPTED, 6, ("claim", "accept")),
    (Status.DECLINED, 5, ("claim", "decline")),
    (Status.WITHDRAWN, 3, ("withdraw",)),
    (Status.INTAKE_COMPLETED, 5, ("claim", "accept", "intake_completed")),
    (Status.INTAKE_MISSED, 3, ("claim", "accept", "intake_missed")),
)
PEOPLE = ("Marisol Ortega", "Darnell Hayes", "Tuan Pham", "Renee Whitehorse", "Marcus Bell",
          "Lucía Fernández", "Kevin O'Brien", "Shanice Carter", "Ivan Petrov", "Grace Yazzie",
          "Omar Haddad", "Brandon Miller", "Ximena Ruiz", "Terrell Brooks", "Hannah Lund")
# Exclusion answers that the default rules screen each way; mostly eligible, as in practice.
SCREENINGS = {"eligible": {"treatment_court": "none", "protective_order": "no"},
              "needs_review": {"treatment_court": "unknown", "protective_order": "no"},
              "ineligible": {"treatment_court": "none", "protective_order": "yes"}}
SCREENING_MIX = ("eligible",) * 6 + ("needs_review", "ineligible")
QUALIFIERS = ("q__df4_possession__intent_to_distribute",
              "q__dm1_possession__intent_to_distribute", "q__shoplifting__restitution_sought",
              "q__disturbing_the_peace__domestic_violence")
ARREST_CHARGES = (["shoplifting"], ["trespassing"], ["df4_possession"], ["shoplifting", "trespassing"],
                  ["prostitution"], ["disturbing_the_peace"])
SOCIAL_CONDUCT = (["camping"], ["sit_and_lie"], ["panhandling"], ["urinating_in_public"])
HOUSING = ("unsheltered", "sheltered", "unstably_housed", "unsheltered", "unknown")
NEEDS = (["substance_use", "housing"], ["mental_health"], ["housing", "food"], [],
         ["substance_use", "identification"])
RACES = (["white"], ["black"], ["asian"], ["american_indian_alaska_native"], ["prefer_not"],
         ["black", "white"])
ETHNICITIES = ("not_hispanic", "hispanic", "not_hispanic", "prefer_not")
GENDERS = ("man", "woman", "man", "non_binary")
QUESTION = "Is there a phone number or a place where the person can be reached most days?"
DECLINES = (("duplicate", "program", "Already referred last month."),
            ("unable_to_locate", "program", "Not found at the places given over two weeks."),
            ("declined_by_person", "person", "The person said they do not want to take part."))


def load_referrals(today: date | None = None) -> int:
    """Make the demo referrals unless they were made before; returns how many were made."""
    if db.session().scalar(select(AuditEvent.id).where(AuditEvent.action == LOADED).limit(1)):
        return 0
    today = today or date.today()
    users = {email: _user(email) for email in (OFFICER, OUTREACH, COORDINATOR, PROGRAM_ADMIN)}
    rng = random.Random(2026)
    people, screenings = cycle(PEOPLE), cycle(SCREENING_MIX)
    made = 0
    for status, count, moves in STATES:
        for index in range(count):
            route = ARREST if index % 3 != 2 else SOCIAL
            referrer = users[OFFICER if route == ARREST else OUTREACH]
            referral = _submitted(referrer, route, next(people), next(screenings), rng, today)
            for move in moves:
                MOVES[move](referral, users[COORDINATOR], referrer, rng, today)
                db.session().flush()  # one UPDATE per move: the database's trigger judges each
            if status is Status.ACCEPTED:  # a case manager and contact attempts on a few
                give_casework(referral, users[COORDINATOR], index, users, today)
            if status in (Status.IN_REVIEW, Status.NEEDS_INFORMATION) and index % 2:
                review.release(users[COORDINATOR], referral, referral.version)  # back in the queue
            db.session().flush()
            made += 1
    audit.record(LOADED, actor=None, detail={"referrals": made})
    return made


def _user(email: str) -> User:
    user = db.session().scalar(select(User).where(User.email == email))
    if user is None:
        raise RuntimeError("load the demo accounts first: `lead-portal demo`")
    return user


def _submitted(referrer: User, route: str, name: str, screening: str, rng: random.Random,
               today: date):
    """Started, each page saved in order as Save and continue does, then sent."""
    ruleset = current_app.extensions["portal.ruleset"]
    referral = referrals.start_referral(referrer, route, ruleset)
    db.session().flush()
    for slug, page in _pages(route, referrer, name, screening, rng, today).items():
        referrals.save_step(referrer, referral, slug, page)
    db.session().flush()
    note = "Known to our outreach team; asks for help with housing." \
        if screening == "ineligible" else None
    referrals.submit_referral(referrer, referral, ruleset=ruleset, texts=default_texts(),
                              today=today, partner_note=note)
    db.session().flush()
    return referral


def _pages(route: str, referrer: User, name: str, screening: str, rng: random.Random,
           today: date) -> dict:
    pages = {"referrer": {"name": referrer.name, "badge_number": referrer.badge_number,
                          "phone": referrer.phone}}
    pages.update(_arrest(rng, today) if route == ARREST else _social(rng, today))
    pages["person"] = _person(name, rng, today)
    pages["circumstances"] = {"housing": rng.choice(HOUSING), "needs": rng.choice(NEEDS),
                              "needs_detail": None}
    pages["demographics"] = {"race": rng.choice(RACES), "ethnicity": rng.choice(ETHNICITIES),
                             "gender": rng.choice(GENDERS)}
    pages["exclusions"] = dict(SCREENINGS[screening])
    pages["concerns"] = {"concerns": [], "note": None}
    text = default_texts().current(route, "en")
    pages["consent"] = {"language": "en", "text_id": text.id, "signature": name,
                        "signed_on": today.isoformat(), "confirmed": True}
    return pages


def _charges(selected: list[str]) -> dict:
    answered = {"q__shoplifting__restitution_sought": "no"} if "shoplifting" in selected else {}
    return {"charges": selected, **dict.fromkeys(QUALIFIERS), **answered,
            "other_description": None}


def _arrest(rng: random.Random, today: date) -> dict:
    day = today - timedelta(days=rng.randrange(0, 3))
    return {"arrest": {"incident_number": f"26-{rng.randrange(1000, 9999)}",
                       "arrest_date": day.isoformat(), "arrest_time": rng.choice(
                           ("9:30pm", "14:10", "7:45am", "23:05")),
                       "arrest_place": rng.choice(("5th and Main", "Union Station",
                                                   "Colfax and Broadway", "City Park"))},
            "charges": _charges(rng.choice(ARREST_CHARGES))}


def _social(rng: random.Random, today: date) -> dict:
    return {"relationship": {"how_known": rng.choice(("outreach", "shelter", "services")),
                             "how_known_detail": None},
            "conduct": {**_charges(rng.choice(SOCIAL_CONDUCT)),
                        "last_conduct_date": (today - timedelta(days=rng.randrange(1, 20)))
                        .isoformat()},
            "whereabouts": {"where_found": rng.choice(("The library on 3rd, most mornings",
                                                       "Near the river trail by 14th")),
                            "best_times": None}}


def _person(name: str, rng: random.Random, today: date) -> dict:
    born = date(today.year - rng.randrange(20, 60), rng.randrange(1, 13), rng.randrange(1, 29))
    return {"legal_name": name, "other_names": None, "date_of_birth": born.isoformat(),
            "phone": rng.choice(("303 555 0142", "", "720 555 0199")) or None,
            "staying": rng.choice(("Under the 5th St bridge", "Samaritan shelter", "In a car")),
            "language": "en", "language_other": None}


def _claim(referral, coordinator, referrer, rng, today):
    review.claim(coordinator, referral, referral.version)


def _ask(referral, coordinator, referrer, rng, today):
    review.request_information(coordinator, referral, referral.version, QUESTION)


def _accept(referral, coordinator, referrer, rng, today):
    justification = None if referral.screening_decision == "eligible" else \
        "Known to outreach and ready to engage; accepted against the screening."
    review.accept(coordinator, referral, referral.version, justification,
                  message="Accepted: our case manager will look for the person this week.")


def _decline(referral, coordinator, referrer, rng, today):
    reason, declined_by, note = rng.choice(DECLINES)
    review.decline(coordinator, referral, referral.version, reason=reason,
                   declined_by=declined_by, note=note)


def _withdraw(referral, coordinator, referrer, rng, today):
    referrals.withdraw(referrer, referral, "The person moved out of the area.")


def _intake_completed(referral, coordinator, referrer, rng, today):
    review.record_intake(coordinator, referral, referral.version, today)


def _intake_missed(referral, coordinator, referrer, rng, today):
    review.record_intake(coordinator, referral, referral.version, None)


MOVES = {"claim": _claim, "ask": _ask, "accept": _accept, "decline": _decline,
         "withdraw": _withdraw, "intake_completed": _intake_completed,
         "intake_missed": _intake_missed}

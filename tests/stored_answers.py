"""A referral's answers as the partner's pages store them in ``referrals.answers`` (one dict per
page, as each page's form dumps it), for the factory that makes referrals without the pages.

tests/referrals/test_factory.py checks that these are what the pages store for the builders'
answers (tests/referrals/builders.py), so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import date, timedelta

from portal.consent.texts import default_texts

ARREST, SOCIAL = "arrest_diversion", "social_contact"

# Exclusion answers that make the engine decide each way (needs_review: an unknown answer).
SCREENINGS = {
    "eligible": {"treatment_court": "none", "protective_order": "no"},
    "needs_review": {"treatment_court": "unknown", "protective_order": "no"},
    "ineligible": {"treatment_court": "none", "protective_order": "yes"},
}

PERSON = {"legal_name": "José O'Neil", "other_names": "Joe", "date_of_birth": "1990-03-07",
          "phone": "303 555 0142", "staying": "Under the 5th St bridge", "language": "en",
          "language_other": None}

QUALIFIERS = ("q__df4_possession__intent_to_distribute",
              "q__dm1_possession__intent_to_distribute", "q__shoplifting__restitution_sought",
              "q__disturbing_the_peace__domestic_violence")


# The conduct page offers the kinds of conduct the ruleset words plainly: DF4 possession is the
# same conduct as DM1's, so its question is not on that page.
CONDUCT_QUALIFIERS = tuple(q for q in QUALIFIERS if not q.startswith("q__df4_possession__"))


def _charges(selected: list[str], qualifiers: tuple[str, ...] = QUALIFIERS, **answered) -> dict:
    return {"charges": selected, **dict.fromkeys(qualifiers), **answered,
            "other_description": None}


def _arrest_pages(today: date) -> dict:
    return {
        "referrer": {"name": "Officer Dana Reyes", "badge_number": "4471",
                     "phone": "303 555 0101"},
        "arrest": {"incident_number": "24-0001",
                   "arrest_date": (today - timedelta(days=1)).isoformat(),
                   "arrest_time": "9:30pm", "arrest_place": "5th and Main"},
        "charges": _charges(["shoplifting", "trespassing"],
                            q__shoplifting__restitution_sought="no"),
        "person": dict(PERSON),
        # One page since issue 14 (tests/referrals/test_old_drafts.py reads the three before it).
        "about": {"housing": "unsheltered", "needs": ["substance_use", "housing"],
                  "needs_detail": None, "race": ["prefer_not"], "ethnicity": "hispanic",
                  "gender": "man", "concerns": [], "note": "Cooperative; asked about detox."},
        "exclusions": dict(SCREENINGS["eligible"]),
    }


def _social_pages(today: date) -> dict:
    return {
        "referrer": {"name": "Sam Okafor", "badge_number": None, "phone": "303 555 0103"},
        "relationship": {"how_known": "outreach", "how_known_detail": None},
        "conduct": {**_charges(["camping"], CONDUCT_QUALIFIERS),
                    "last_conduct_date": (today - timedelta(days=10)).isoformat()},
        "whereabouts": {"where_found": "The library on 3rd, most mornings", "best_times": None},
        "person": dict(PERSON),
        "about": {"housing": "unsheltered", "needs": [], "needs_detail": None,
                  "race": ["black"], "ethnicity": "not_hispanic", "gender": "woman",
                  "concerns": [], "note": None},
        "exclusions": dict(SCREENINGS["eligible"]),
    }


def consent_page(route: str, signature: str, today: date, language: str = "en") -> dict:
    text = default_texts().current(route, language)
    return {"language": language, "text_id": text.id, "signature": signature,
            "signed_on": today.isoformat(), "confirmed": True}


def stored_answers(route: str, today: date, *, screening: str = "eligible",
                   pages: dict | None = None) -> dict:
    """Every page of ``route`` answered (consent last, signed by the person's legal name),
    screening as ``screening`` says; ``pages`` replaces fields page by page."""
    answers = _arrest_pages(today) if route == ARREST else _social_pages(today)
    answers["exclusions"] = dict(SCREENINGS[screening])
    for slug, fields in (pages or {}).items():
        answers[slug] = {**answers.get(slug, {}), **fields}
    signature = answers["person"]["legal_name"]
    answers["consent"] = {**consent_page(route, signature, today),
                          **(pages or {}).get("consent", {})}
    return answers

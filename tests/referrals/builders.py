"""Referrals through the partner's pages, posted as a partner posts them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from portal.consent.texts import default_texts

TODAY = date.today()
ARREST_DAY = TODAY - timedelta(days=1)


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


PERSON = {"legal_name": "José O'Neil", "other_names": "Joe", "date_of_birth-month": "3",
          "date_of_birth-day": "7", "date_of_birth-year": "1990", "phone": "303 555 0142",
          "staying": "Under the 5th St bridge", "language": "en"}

ARREST_PAGES = [
    ("referrer", {"name": "Officer Dana Reyes", "badge_number": "4471", "phone": "303 555 0101"}),
    ("arrest", {"incident_number": "24-0001", "arrest_date": _us(ARREST_DAY),
                "arrest_time": "9:30pm", "arrest_place": "5th and Main"}),
    ("charges", {"charges": ["shoplifting", "trespassing"],
                 "q__shoplifting__restitution_sought": "no"}),
    ("person", PERSON),
    ("about", {"housing": "unsheltered", "needs": ["substance_use", "housing"],
               "race": ["prefer_not"], "ethnicity": "hispanic", "gender": "man",
               "note": "Cooperative; asked about detox."}),
    ("exclusions", {"treatment_court": "none", "protective_order": "no"}),
]

SOCIAL_PAGES = [
    ("referrer", {"name": "Sam Okafor", "phone": "303 555 0103"}),
    ("relationship", {"how_known": "outreach"}),
    ("conduct", {"charges": ["camping"], "last_conduct_date": _us(TODAY - timedelta(days=10))}),
    ("whereabouts", {"where_found": "The library on 3rd, most mornings"}),
    ("person", PERSON),
    ("about", {"housing": "unsheltered", "race": ["black"], "ethnicity": "not_hispanic",
               "gender": "woman"}),
    ("exclusions", {"treatment_court": "none", "protective_order": "no"}),
]

PAGES = {"arrest_diversion": ARREST_PAGES, "social_contact": SOCIAL_PAGES}


def consent_page(route: str, language: str = "en", signature: str = "José O'Neil") -> dict:
    text = default_texts().current(route, language)
    return {"text_id": text.id, "language": language, "signature": signature,
            "signed_on": _us(TODAY), "confirmed": "y"}


def start(client, route: str) -> int:
    response = client.submit("/referrals/new", {"route": route}, status=302, form_url="/home")
    return int(re.search(r"/referrals/(\d+)/", response.location).group(1))


def fill_draft(client, route: str, *, upto: str | None = None, consent: bool = True) -> int:
    """Start a draft and continue through its pages (stopping before ``upto``); returns its id."""
    referral_id = start(client, route)
    for slug, data in PAGES[route]:
        if slug == upto:
            return referral_id
        client.submit(f"/referrals/{referral_id}/{slug}", data, status=302)
    if consent and upto != "consent":
        client.submit(f"/referrals/{referral_id}/consent", consent_page(route), status=302)
    return referral_id


def fill_draft_quickly(client, route: str, *, upto: str | None = None,
                       consent: bool = True) -> int:
    """As ``fill_draft``, with one CSRF token for every page (a token is good for the whole
    session), so half the requests: for tests where the pages are the setting, not the subject."""
    token = client.get("/home").csrf_token()  # the header's sign-out form: any page's will do
    response = client.raw.post("/referrals/new", data={"route": route, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    referral_id = int(re.search(r"/referrals/(\d+)/", response.location).group(1))
    pages = [*PAGES[route], *([("consent", consent_page(route))] if consent else [])]
    for slug, data in pages:
        if slug == upto:
            break
        response = client.raw.post(f"/referrals/{referral_id}/{slug}",
                                   data={**data, "csrf_token": token})
        assert response.status_code == 302, (slug, response.status_code)
    return referral_id

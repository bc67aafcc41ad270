"""Possible duplicates: other referrals (participants among them) of someone born the same day,
or with day and month swapped, under a similar name. Every name the person gave is compared
(the legal name and the other names, folded as the search keeps them). Flagged for a person to
judge, never merged."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import defer

from portal import db
from portal.referrals.models import Referral
from portal.review.search import SEPARATOR, fold

SIMILAR = 85  # token_sort_ratio: "Jon Smith" / "John Smith" is 95; "John Smith" / "Joan Smyth" 74
CANDIDATES = 200  # referrals read per date of birth, the latest first


def _names(search_names: str | None, legal_name: str | None) -> tuple[str, ...]:
    """The legal name (kept first), then the other names of two words or more: a nickname
    alone ("Joe") says too little to flag anyone."""
    kept = [n for n in (search_names or "").split(SEPARATOR) if n]
    if not kept:
        return (fold(legal_name),) if legal_name else ()
    return (kept[0], *(n for n in kept[1:] if len(n.split()) >= 2))


def _similar_folded(a: str, b: str) -> bool:
    if fuzz.token_sort_ratio(a, b) >= SIMILAR:
        return True
    # One name inside the other ("maria garcia" in "maria garcia lopez"): token_set_ratio is 100.
    # Only when both have two words or more, so that a first name alone matches no one.
    return min(len(a.split()), len(b.split())) >= 2 and fuzz.token_set_ratio(a, b) >= SIMILAR


def similar(a: str, b: str) -> bool:
    return _similar_folded(fold(a), fold(b))


def _same_person(one, other) -> bool:
    """``one`` and ``other``: referrals, or rows with their search_names and legal_name."""
    return any(_similar_folded(a, b) for a in _names(one.search_names, one.legal_name)
               for b in _names(other.search_names, other.legal_name))


def birthdays(born: date | None) -> set[date]:
    """The date of birth, and the same with day and month swapped (4/7 written for 7/4)."""
    if born is None:
        return set()
    try:
        return {born, date(born.year, born.day, born.month)}
    except ValueError:
        return {born}


def _born_on(days: set[date]) -> list[Referral]:
    if not days:
        return []
    return list(db.session().scalars(
        select(Referral).where(Referral.date_of_birth.in_(days), Referral.reference.is_not(None))
        .options(defer(Referral.answers))
        .order_by(Referral.submitted_at.desc()).limit(CANDIDATES * len(days))))


def possible_matches(referral: Referral) -> list[Referral]:
    return [other for other in _born_on(birthdays(referral.date_of_birth))
            if other.id != referral.id and _same_person(referral, other)]


def flagged(referrals: list[Referral]) -> set[int]:
    """Which of ``referrals`` (a page of the queue) have a possible duplicate: one read for all,
    of the few columns compared (no referral objects)."""
    days = {day for referral in referrals for day in birthdays(referral.date_of_birth)}
    if not days:
        return set()
    by_day: dict[date, list] = defaultdict(list)
    for other in db.session().execute(select(
            Referral.id, Referral.date_of_birth, Referral.search_names, Referral.legal_name)
            .where(Referral.date_of_birth.in_(days), Referral.reference.is_not(None))):
        by_day[other.date_of_birth].append(other)
    return {referral.id for referral in referrals
            if any(other.id != referral.id and _same_person(referral, other)
                   for day in birthdays(referral.date_of_birth) for other in by_day[day])}

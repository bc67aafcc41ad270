"""Possible duplicates: other referrals (participants among them) of someone born the same day,
or with day and month swapped, under a similar name. Every name the person gave is compared
(the legal name and the other names, folded as the search keeps them). Flagged for a person to
judge, never merged. The pairs are kept when a referral is sent or corrected (DuplicatePair), and
the queue reads them; the referral's page matches afresh."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import defer

from portal import db, events
from portal.referrals.models import Referral
from portal.review.models import DuplicatePair
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


def _matching_ids(referral: Referral) -> set[int]:
    """Every other sent referral (no cap on candidates, as the queue's flag always read them)
    born on the day or its swap under a similar name: a few columns, no referral objects."""
    days = birthdays(referral.date_of_birth)
    if not days:
        return set()
    others = db.session().execute(select(
        Referral.id, Referral.search_names, Referral.legal_name)
        .where(Referral.date_of_birth.in_(days), Referral.reference.is_not(None),
               Referral.id != referral.id))
    return {other.id for other in others if _same_person(referral, other)}


@events.on("referral.submitted")
@events.on("referral.corrected")
def keep_pairs(referral: Referral, **_) -> None:
    """A referral sent or corrected: its pairs made again, on both sides, in the same transaction.
    Registered after portal.review.search's listener (imported above), so its names are folded."""
    matches = _matching_ids(referral)
    db.session().execute(delete(DuplicatePair).where(or_(
        DuplicatePair.referral_id == referral.id, DuplicatePair.other_id == referral.id)))
    if matches:
        db.session().execute(insert(DuplicatePair), [
            {"referral_id": one, "other_id": other}
            for match in matches for one, other in ((referral.id, match), (match, referral.id))])


def fill(connection) -> int:
    """Every pair made again from the referrals sent, in Python: for the migration and for
    the demo's referrals, written in bulk around the submission's listeners. Returns how many."""
    pairs = DuplicatePair.__table__
    referrals = Referral.__table__
    connection.execute(delete(pairs))
    found = sorted(pairs_among(connection.execute(select(
        referrals.c.id, referrals.c.date_of_birth, referrals.c.search_names,
        referrals.c.legal_name).where(referrals.c.reference.is_not(None),
                                      referrals.c.date_of_birth.is_not(None)))))
    if found:
        connection.execute(insert(pairs), [{"referral_id": one, "other_id": other}
                                           for one, other in found])
    return len(found)


def pairs_among(rows) -> set[tuple[int, int]]:
    """Every possible-duplicate pair (both directions) among ``rows`` (id, date_of_birth,
    search_names, legal_name)."""
    by_day: dict[date, list] = defaultdict(list)
    for row in rows:
        by_day[row.date_of_birth].append(row)
    pairs = set()
    for day, born in by_day.items():
        for one in born:
            for day_of_other in birthdays(day):
                pairs.update((one.id, other.id) for other in by_day.get(day_of_other, ())
                             if other.id != one.id and _same_person(one, other))
    return pairs

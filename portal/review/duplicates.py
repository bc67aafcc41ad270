"""Possible duplicates: earlier referrals (participants among them) with the same date of birth
and a similar name. Flagged for a person to judge, never merged."""

from __future__ import annotations

import unicodedata

from rapidfuzz import fuzz
from sqlalchemy import select

from portal import db
from portal.referrals.models import Referral

SIMILAR = 85  # token_sort_ratio: "Jon Smith" / "John Smith" is 95; "John Smith" / "Joan Smyth" 74


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def similar(a: str, b: str) -> bool:
    return fuzz.token_sort_ratio(_plain(a), _plain(b)) >= SIMILAR


def possible_matches(referral: Referral) -> list[Referral]:
    if referral.date_of_birth is None:
        return []
    same_birthday = db.session().scalars(
        select(Referral).where(Referral.date_of_birth == referral.date_of_birth,
                               Referral.id != referral.id, Referral.reference.is_not(None))
        .order_by(Referral.submitted_at.desc()).limit(200))
    return [other for other in same_birthday if similar(other.legal_name, referral.legal_name)]

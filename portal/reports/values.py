"""The facts reports group by, worked out once at submission from what the partner entered.

Standard library only: the submission, the migration's backfill and the demo generator call the
same functions, so a referral lands in the same group whichever way it was written.
"""

from __future__ import annotations

from datetime import date

TWO_OR_MORE = "two_or_more"
PREFER_NOT = "prefer_not"
OTHER_LEVEL = "other"  # a charge entered as "other" has no level in the ruleset
# (lowest age, band): the first band whose lowest age the person has reached, oldest first.
AGE_BANDS = ((65, "65_plus"), (55, "55_64"), (45, "45_54"), (35, "35_44"), (25, "25_34"),
             (18, "18_24"), (0, "under_18"))


def race_group(races: list[str] | None) -> str | None:
    """One group per person: a single race's code, "two_or_more" for several, "prefer_not" kept
    as its own group (the form refuses it together with a race)."""
    chosen = sorted(set(races or []))
    if not chosen:
        return None
    if PREFER_NOT in chosen:
        return PREFER_NOT
    return chosen[0] if len(chosen) == 1 else TWO_OR_MORE


def age_band(born: date | None, on: date) -> str | None:
    if born is None:
        return None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(band for lowest, band in AGE_BANDS if age >= lowest)


def reporting_values(races: list[str] | None, ethnicity: str | None, gender: str | None,
                     born: date | None, on: date) -> dict[str, str | None]:
    """The referral's reporting columns (``referrals.race_group`` and the rest)."""
    return {"race_group": race_group(races), "ethnicity": ethnicity or None,
            "gender": gender or None, "age_band": age_band(born, on)}


def charge_rows(codes: list[str] | None, ruleset) -> list[dict[str, str]]:
    """One row per distinct charge code, with its level from the ruleset ("other" if none)."""
    rows = []
    for code in dict.fromkeys(codes or []):
        charge = ruleset.charge(code)
        rows.append({"code": code, "level": charge.level if charge else OTHER_LEVEL})
    return rows

"""What a document says of where the referral stands when it is printed: its status, the intake
deadline (only while intake is still to come), and what happens next.

A declined, withdrawn, missed or revoked referral's documents say it is closed and never that
charges are held or that a case manager will call (portal/referrals/standing.py decides which);
before a decision, the person's receipt promises nothing. ``printed_for`` names the standing a
stored document was printed under, so a print after a change is a new stored version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.referrals.standing import Standing, standing_of, status_key


@dataclass(frozen=True)
class Now:
    """The document's account of the referral today."""

    status: str                   # the status in the document's words
    deadline: str | None          # the formatted date, shown only while it applies
    deadline_sentence: str | None
    closed: str | None            # the sentence saying the referral is closed, and how
    next_steps: tuple[str, ...]


def printed_for(referral, consent, today: date) -> str:
    """"accepted|2026-04-01", "declined|-", "accepted|2026-04-01|consent_revoked": what a
    stored print was made under (migration 0013_intake spells the first two parts the same)."""
    deadline = referral.intake_deadline.isoformat() if referral.intake_deadline else "-"
    key = status_key(referral, consent, today)
    tail = f"|{key}" if key != referral.status.value else ""
    return f"{referral.status.value}|{deadline}{tail}"


def now(src, words: dict, language: str, who: str, format_date) -> Now:
    """``who``: "partner" or "person" (whose words: "the person" or "you")."""
    referral, today = src.referral, src.made_at.date()
    standing = standing_of(referral, src.consent, today)
    status = words["statuses"][status_key(referral, src.consent, today)]
    deadline = (format_date(referral.intake_deadline, words)
                if referral.intake_deadline and standing is not Standing.CLOSED else None)
    return Now(status=status, deadline=deadline,
               deadline_sentence=_deadline_sentence(referral, standing, words, who, format_date)
               if deadline else None,
               closed=(words[f"closed_{who}"].format(status=status)
                       if standing is Standing.CLOSED else None),
               next_steps=_next_steps(src.settings, words, language, who, standing))


def closed_note(src, words: dict) -> str | None:
    """For the consent copy of a closed referral: the signed text stays word for word, with a
    note above it that the intake period it describes no longer applies."""
    today = src.made_at.date()
    if standing_of(src.referral, src.consent, today) is not Standing.CLOSED:
        return None
    return words["consent_closed"].format(
        status=words["statuses"][status_key(src.referral, src.consent, today)])


def _deadline_sentence(referral, standing: Standing, words: dict, who: str, format_date) -> str:
    if standing is Standing.COMPLETED:
        return words["deadline_completed"].format(
            date=format_date(referral.intake_completed_on, words))
    key = f"deadline_{who}" + ("_open" if standing is Standing.OPEN else "")
    return words[key]


def _next_steps(settings, words: dict, language: str, who: str,
                standing: Standing) -> tuple[str, ...]:
    hours = settings.intake_hours_es if language == "es" else settings.intake_hours
    return tuple(step.format(program=settings.program_name, address=settings.intake_address,
                             hours=hours) for step in words[f"next_{who}_{standing.value}"])


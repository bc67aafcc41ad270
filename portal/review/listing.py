"""The queue's rows as the page shows them, worked out once per row in Python.

The page used to do this work in Jinja (a dict literal, ``url_for`` and several branches per row),
which was most of its cost: here each row is plain strings, and each referral's link is one base
URL with its id appended, instead of one ``url_for`` each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


from portal.consent.models import ConsentFlag
from portal.review.queries import Deadline, days
from portal.web.urls import fixed_url

SCREENING = {"eligible": "Eligible", "ineligible": "Ineligible", "needs_review": "Needs review"}


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    href: str
    reference: str
    name: str
    duplicate: bool
    route: str
    partner: str
    waiting: str  # since it was sent: "today", "1 day", "4 days"
    screening: str
    deadline: Deadline | None
    deadline_class: str  # the flag of a deadline neither passed nor due today
    status: str
    status_label: str
    consent_flag: ConsentFlag | None
    claimed_by: str


def referral_link_prefix() -> str:
    """``/review/referrals/`` (under whatever root the app is served at): a row's link adds its id."""
    return fixed_url("review.referral", referral_id=0).removesuffix("0")


def queue_rows(found, today: date, *, route_labels: dict[str, str], duplicates: set[int],
               consent_flags: dict, back_suffix: str) -> list[QueueRow]:
    prefix = referral_link_prefix()
    return [_row(r, today, prefix, route_labels, duplicates, consent_flags, back_suffix)
            for r in found]


def _row(r, today, prefix, route_labels, duplicates, consent_flags, back_suffix) -> QueueRow:
    waited = (today - r.submitted_at.date()).days
    deadline = Deadline.of(r.intake_deadline, today)
    return QueueRow(
        id=r.id, href=f"{prefix}{r.id}{back_suffix}", reference=r.reference, name=r.legal_name,
        duplicate=r.id in duplicates, route=route_labels.get(r.route, r.route),
        partner=r.partner, waiting="today" if waited == 0 else days(waited),
        screening=SCREENING.get(r.screening_decision, "—"), deadline=deadline,
        deadline_class="portal-flag portal-flag--soon" if deadline and deadline.soon else "",
        status=r.status.value, status_label=r.status.label,
        consent_flag=consent_flags.get(r.id), claimed_by=r.claimed_by or "Unclaimed")

"""What the partner's referral page holds: built from the parts the partner may see, so that a
part it may not see is never handed to the template at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.referrals import corrections, presenter, queries
from portal.referrals.answers import of
from portal.referrals.disclosure import Part, visible_parts
from portal.referrals.states import Status


@dataclass(frozen=True)
class Decision:
    """The decision as the partner reads it: the status, the reason's label, the message."""

    status: Status
    reason: str | None
    message: str | None


@dataclass(frozen=True)
class PartnerEvent:
    at: datetime
    status: Status
    actor: str | None
    message: str | None


def partner_page(user, referral, ruleset, today: date) -> dict:
    consent = queries.consent_of(referral)
    parts = visible_parts(user, referral, consent, today)
    answers = Part.ANSWERS in parts
    questions = Part.QUESTIONS in parts
    request_open = queries.open_request(referral) if questions else None
    return {
        "parts": parts, "consent": consent if Part.CONSENT in parts else None,
        "screening": queries.latest_screening(referral) if answers else None,
        "sections": presenter.sections(of(referral), ruleset) if answers else [],
        "partner_note": referral.partner_note if Part.PARTNER_TEXT in parts else None,
        "request_open": request_open,
        # Pages to correct show answers: none once the consent has ended.
        "to_correct": corrections.pages_to_correct(referral, request_open) if answers else [],
        "requests": queries.requests(referral) if questions else [],
        "decision": _decision(referral, ruleset) if Part.DECISION in parts else None,
        "history": _history(referral, Part.PARTNER_TEXT in parts),
    }


def _decision(referral, ruleset) -> Decision | None:
    if referral.status not in {Status.ACCEPTED, Status.DECLINED, Status.INTAKE_COMPLETED,
                               Status.INTAKE_MISSED}:
        return None
    reason = (ruleset.decline_reason_labels.get(referral.decline_reason, referral.decline_reason)
              if referral.status is Status.DECLINED else None)
    return Decision(referral.status, reason, referral.partner_message)


def _history(referral, with_messages: bool) -> list[PartnerEvent]:
    """The transitions with what the partner may read of them: never a staff-only reason."""
    return [PartnerEvent(e.at, e.to_status, e.actor.name if e.actor else None,
                         e.partner_message if with_messages else None) for e in referral.events]

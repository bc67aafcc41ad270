"""What the partner's referral page holds: built from the parts the partner may see, so that a
part it may not see is never handed to the template at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.referrals import corrections, presenter, queries
from portal.referrals.answers import of
from portal.referrals.disclosure import Part, visible_parts
from portal.referrals.standing import completed_late, consent_revoked, standing_of, status_label
from portal.referrals.states import Status
from portal.web.dates import long_date


@dataclass(frozen=True)
class Decision:
    """Where the referral ended up, as the partner reads it: the status in words ("Intake
    completed late"), the reason's label, what it means now, and the message to the partner.
    ``tone``: the banner's USWDS alert kind."""

    status: Status
    heading: str
    reason: str | None
    meaning: str
    message: str | None
    tone: str


# What each decided or closed state means for the person now. Only an accepted referral still
# holds charges and waits for intake; the others say the deadline no longer applies.
MEANINGS = {
    Status.ACCEPTED: ("success", "The program accepted the referral. A case manager contacts "
                                 "the person to start intake{by}."),
    Status.DECLINED: ("warning", "The program did not accept this referral. The intake "
                                 "deadline no longer applies."),
    Status.WITHDRAWN: ("info", "This referral was withdrawn. The intake deadline no longer "
                               "applies."),
    Status.INTAKE_COMPLETED: ("success", "The person completed intake on {completed}."),
    Status.INTAKE_MISSED: ("warning", "The person did not complete intake by the deadline "
                                      "({deadline})."),
}


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
        "decision": _decision(referral, ruleset, consent, today) if Part.DECISION in parts
        else None,
        "standing": standing_of(referral, consent, today),
        "history": _history(referral, Part.PARTNER_TEXT in parts),
    }


def _decision(referral, ruleset, consent, today: date) -> Decision | None:
    if referral.status not in MEANINGS:
        return None
    tone, meaning = MEANINGS[referral.status]
    if referral.status is Status.ACCEPTED and consent_revoked(consent, today):
        tone, meaning = "info", "The person revoked their consent. The program shares nothing more."
    reason = (ruleset.decline_reason_labels.get(referral.decline_reason, referral.decline_reason)
              if referral.status is Status.DECLINED else None)
    deadline, completed = referral.intake_deadline, referral.intake_completed_on
    meaning = meaning.format(
        by=f" by {long_date(deadline)}; charges are held until then" if deadline else "",
        deadline=long_date(deadline) if deadline else "", completed=long_date(completed)
        if completed else "") + (" That was after the deadline: it counts as completed."
                                 if completed_late(referral) else "")
    return Decision(referral.status, status_label(referral), reason, meaning,
                    referral.partner_message, tone)


def _history(referral, with_messages: bool) -> list[PartnerEvent]:
    """The transitions with what the partner may read of them: never a staff-only reason."""
    return [PartnerEvent(e.at, e.to_status, e.actor.name if e.actor else None,
                         e.partner_message if with_messages else None) for e in referral.events]

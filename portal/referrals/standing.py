"""Where a referral stands now, in the terms its pages and documents speak of.

Only a referral whose intake is still to come (sent and not yet decided, or accepted) and whose
person has not revoked consent may be described as holding charges, with a deadline to meet and
a case manager to call: a declined, withdrawn, missed or revoked referral says it is closed, and
why. One place decides it, so the partner's page, the confirmation and every printed document
agree.
"""

from __future__ import annotations

import enum
from datetime import date

from portal.consent.models import ConsentStatus
from portal.consent.operations import effective_status
from portal.referrals.states import OPEN, Status


class Standing(enum.StrEnum):
    OPEN = "open"            # sent, not yet decided: nothing is promised
    ACCEPTED = "accepted"    # intake is to come, by the deadline
    COMPLETED = "completed"  # intake done (on time or late)
    CLOSED = "closed"        # declined, withdrawn, intake missed, or consent revoked


def standing_of(referral, consent, today: date) -> Standing:
    if referral.status is Status.INTAKE_COMPLETED:
        return Standing.COMPLETED
    if consent_revoked(consent, today):
        return Standing.CLOSED  # the person's own act: nothing more is shared or promised
    if referral.status in OPEN:
        return Standing.OPEN
    return Standing.ACCEPTED if referral.status is Status.ACCEPTED else Standing.CLOSED


def consent_revoked(consent, today: date) -> bool:
    return consent is not None and effective_status(consent, today) is ConsentStatus.REVOKED


def completed_late(referral) -> bool:
    """Intake recorded after the deadline: kept as completed (no one fails LEAD for it), and
    shown as "Intake completed late"."""
    return (referral.status is Status.INTAKE_COMPLETED and referral.intake_deadline is not None
            and referral.intake_completed_on is not None
            and referral.intake_completed_on > referral.intake_deadline)


def status_key(referral, consent=None, today: date | None = None) -> str:
    """The status as pages and documents word it: the status, "intake_completed_late", or
    "consent_revoked" when the person revoked consent on a referral still open or accepted."""
    if completed_late(referral):
        return "intake_completed_late"
    if today is not None and referral.status in OPEN | {Status.ACCEPTED} and consent_revoked(
            consent, today):
        return "consent_revoked"
    return referral.status.value


LABELS = {"intake_completed_late": "Intake completed late", "consent_revoked": "Consent revoked"}


def status_label(referral, consent=None, today: date | None = None) -> str:
    key = status_key(referral, consent, today)
    return LABELS.get(key) or Status(key).label

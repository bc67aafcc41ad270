"""The referral's life: states, and the one table of transitions allowed between them."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_INFORMATION = "needs_information"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    INTAKE_COMPLETED = "intake_completed"
    INTAKE_MISSED = "intake_missed"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.DRAFT: "Draft", Status.SUBMITTED: "Submitted", Status.IN_REVIEW: "In review",
    Status.NEEDS_INFORMATION: "Needs information", Status.ACCEPTED: "Accepted",
    Status.DECLINED: "Declined", Status.WITHDRAWN: "Withdrawn",
    Status.INTAKE_COMPLETED: "Intake completed", Status.INTAKE_MISSED: "Intake missed",
}

# Who moves a referral from one state to another. Anything not here is refused.
PARTNER, COORDINATOR, SYSTEM = "partner", "coordinator", "system"
TRANSITIONS: dict[tuple[Status, Status], frozenset[str]] = {
    (Status.DRAFT, Status.SUBMITTED): frozenset({PARTNER}),
    (Status.SUBMITTED, Status.IN_REVIEW): frozenset({COORDINATOR}),
    (Status.SUBMITTED, Status.WITHDRAWN): frozenset({PARTNER}),
    (Status.IN_REVIEW, Status.WITHDRAWN): frozenset({PARTNER}),
    (Status.NEEDS_INFORMATION, Status.WITHDRAWN): frozenset({PARTNER}),
    (Status.IN_REVIEW, Status.NEEDS_INFORMATION): frozenset({COORDINATOR}),
    (Status.NEEDS_INFORMATION, Status.IN_REVIEW): frozenset({PARTNER}),
    (Status.IN_REVIEW, Status.ACCEPTED): frozenset({COORDINATOR}),
    (Status.IN_REVIEW, Status.DECLINED): frozenset({COORDINATOR}),
    (Status.ACCEPTED, Status.INTAKE_COMPLETED): frozenset({COORDINATOR}),
    (Status.ACCEPTED, Status.INTAKE_MISSED): frozenset({COORDINATOR, SYSTEM}),
    # Intake recorded after the deadline was marked missed: "intake completed late" (no one
    # fails LEAD for coming late); and a missed deadline a coordinator extends is open again.
    (Status.INTAKE_MISSED, Status.INTAKE_COMPLETED): frozenset({COORDINATOR}),
    (Status.INTAKE_MISSED, Status.ACCEPTED): frozenset({COORDINATOR}),
}

OPEN = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFORMATION})
BEFORE_DECISION = OPEN
DECIDED = frozenset({Status.ACCEPTED, Status.DECLINED, Status.INTAKE_COMPLETED,
                     Status.INTAKE_MISSED})


def allowed(current: Status, target: Status, by: str) -> bool:
    return by in TRANSITIONS.get((current, target), frozenset())

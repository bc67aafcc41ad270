"""The words the contact attempts are recorded in: codes stored, labels shown.

A small constant rather than ruleset data: the ruleset (portal/eligibility) holds what decides
eligibility and what partners are told; how the program's own staff tried to reach a person is
neither, and has no place there yet. Codes are stored; a label can be reworded freely, a code
must not be removed while rows use it.
"""

from __future__ import annotations

METHODS: dict[str, str] = {
    "phone": "Phone call",
    "text": "Text message",
    "in_person": "In person",
    "outreach_visit": "Outreach visit",
    "letter": "Letter",
    "other": "Other",
}

OUTCOMES: dict[str, str] = {
    "reached": "Reached the person",
    "no_answer": "No answer",
    "left_message": "Left a message",
    "wrong_number": "Wrong number",
    "scheduled_intake": "Scheduled the intake",
    "declined_services": "Declined services",
    "other": "Other",
}


def method_label(code: str) -> str:
    return METHODS.get(code, code)  # a retired code shows as stored


def outcome_label(code: str) -> str:
    return OUTCOMES.get(code, code)

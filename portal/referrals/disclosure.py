"""What each audience may see of a referral: one table, and one function that applies it.

A referral carries substance-use information under 42 CFR Part 2, and the consent the person
signed says who receives what. The referring partner (the referrer, and their organization's
partner administrators) sees what it entered, the status, and what the program wrote *to* it (a
decision's reason and message, a question); never what program staff wrote for themselves
(internal notes, override justifications, review notes, a question's internal context). Once a
revocation (or the consent's expiry) takes effect, the partner sees only that the referral
exists: its reference, status, and the consent's end.

Every page, document and export a partner can reach asks ``visible_parts`` first. The README's
"Who sees what" table is this table.
"""

from __future__ import annotations

import enum
from datetime import date

from portal.accounts.access import PARTNERS, STAFF
from portal.accounts.models import Role
from portal.consent.models import ConsentStatus
from portal.consent.operations import effective_status, flags
from portal.referrals.answers import ARREST


class Audience(enum.StrEnum):
    REFERRING_PARTNER = "referring_partner"  # referrer, partner administrator of the referrer's org
    PROGRAM = "program"  # coordinators and program administrators
    PROSECUTOR = "prosecutor"  # a prosecutor's office linked to the referring police agency
    NOBODY = "nobody"


class Part(enum.StrEnum):
    REFERENCE = "reference"  # the reference number and the status, with its date
    CASE = "case"  # the agency, incident number, arrest date, charges (labels), intake deadline
    ANSWERS = "answers"  # every answer the partner entered, and its screening
    PARTNER_TEXT = "partner_text"  # what the partner wrote: its note, withdrawal reason, answers
    DECISION = "decision"  # the decision, its reason as a code's label, the message to the partner
    QUESTIONS = "questions"  # the coordinator's questions to the partner, and the answers
    CONSENT = "consent"  # the consent's status, signature and terms; revocation
    CONSENT_COPY = "consent_copy"  # the printed consent copy
    RECEIPTS = "receipts"  # the referral receipt and the person's receipt
    INTERNAL = "internal"  # program staff only: internal notes, justifications, review notes,
    #                        a question's context, duplicates, the full history, the case
    #                        manager and the contact attempts (portal/casework)


SEES: dict[Audience, frozenset[Part]] = {
    Audience.REFERRING_PARTNER: frozenset(Part) - {Part.INTERNAL},
    Audience.PROGRAM: frozenset(Part),
    # What the arrest-diversion consent says the office gets: whether the person finished intake
    # and is taking part, about the charges it holds (portal/prosecutor/fields.py).
    Audience.PROSECUTOR: frozenset({Part.REFERENCE, Part.CASE}),
    Audience.NOBODY: frozenset(),
}
# What the referring partner still sees once the person's consent no longer allows disclosure;
# the prosecutor's office keeps the reference and the last status it was told.
AFTER_CONSENT_ENDS = frozenset({Part.REFERENCE, Part.CONSENT, Part.CONSENT_COPY})

ENDS_WITH_CONSENT = frozenset({Audience.REFERRING_PARTNER, Audience.PROSECUTOR})


def audience_of(user, referral) -> Audience:
    """Who ``user`` is to ``referral``: the queries have already narrowed which referrals a
    user can load; this says which parts of one they see."""
    if user.role in STAFF:
        return Audience.PROGRAM
    if user.role in PARTNERS and (referral.referrer_id == user.id
                                  or referral.organisation_id == user.organisation_id):
        return Audience.REFERRING_PARTNER
    if user.role is Role.PROSECUTOR and referral.route == ARREST:
        return Audience.PROSECUTOR  # prosecutor.queries has narrowed it to a linked agency's
    return Audience.NOBODY


def consent_ended(consent, today: date) -> bool:
    """A revocation in effect (a pending one once its day has come), or the consent expired."""
    if consent is None:
        return False
    return consent.has_expired(today) or effective_status(consent, today) is ConsentStatus.REVOKED


def consent_ended_for(referral_ids: list[int], today: date) -> set[int]:
    """Which of these referrals' consents have ended (one query, for a list page)."""
    return {ident for ident, flag in flags(referral_ids, today).items() if flag.ended}


def visible_parts(user, referral, consent, today: date) -> frozenset[Part]:
    return parts_for(user, referral, consent_ended(consent, today))


def parts_for(user, referral, ended: bool) -> frozenset[Part]:
    """``visible_parts`` for a list page that has looked up whether each consent has ended."""
    audience = audience_of(user, referral)
    parts = SEES[audience]
    return parts & AFTER_CONSENT_ENDS if audience in ENDS_WITH_CONSENT and ended else parts

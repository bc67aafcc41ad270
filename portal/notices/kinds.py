"""Every email the portal sends, and for each notice which roles get it: required or optional.

This is the one place that says who may choose what. A role missing from a notice's ``rules``
never gets it. A rule's ``choices`` are what a user of that role may pick on the notices page;
a rule without "off" among its choices is required (the user may only choose how it comes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.accounts.models import Role

ON, OFF, AT_ONCE, IN_DIGEST = "on", "off", "at_once", "digest"
CHOICE_LABELS = {ON: "Email me", OFF: "Do not email me", AT_ONCE: "Email me at once",
                 IN_DIGEST: "Only in my weekday digest"}

# Account email (invitations, password resets) is no notice anyone can turn off: its subjects
# are the outbox's own (portal/notifications/outbox.py ACCOUNT_SUBJECTS).


@dataclass(frozen=True)
class Rule:
    choices: tuple[str, ...]
    default: str

    @property
    def required(self) -> bool:
        return OFF not in self.choices


REQUIRED = Rule((ON,), ON)
OPTIONAL_ON = Rule((ON, OFF), ON)
OPTIONAL_OFF = Rule((ON, OFF), OFF)


@dataclass(frozen=True)
class Notice:
    code: str
    label: str  # on the notices page: what it tells you
    subject: str  # formatted with the reference number
    rules: dict[Role, Rule] = field(default_factory=dict)


NOTICES: dict[str, Notice] = {notice.code: notice for notice in (
    Notice("new_referral", "A new referral arrives in the queue",
           "New referral {reference} is waiting for review",
           {Role.COORDINATOR: Rule((AT_ONCE, IN_DIGEST), AT_ONCE)}),
    Notice("information_requested", "A coordinator asks a question about a referral",
           "Referral {reference}: a coordinator has a question",
           {Role.REFERRER: REQUIRED, Role.PARTNER_ADMIN: OPTIONAL_OFF}),
    Notice("decision_made", "A referral is accepted or declined",
           "Referral {reference}: a decision has been made",
           {Role.REFERRER: REQUIRED, Role.PARTNER_ADMIN: OPTIONAL_OFF}),
    Notice("withdrawal_acknowledged", "A referral's withdrawal is recorded",
           "Referral {reference} has been withdrawn",
           {Role.REFERRER: OPTIONAL_ON, Role.PARTNER_ADMIN: OPTIONAL_OFF}),
    Notice("revocation_recorded", "A revocation of consent is recorded",
           "Referral {reference}: a revocation of consent was recorded",
           {Role.REFERRER: OPTIONAL_ON, Role.PARTNER_ADMIN: OPTIONAL_OFF}),
    Notice("revocation_pending", "A revocation of consent will take effect later",
           "Referral {reference}: a revocation of consent is pending",
           {Role.COORDINATOR: REQUIRED}),
    Notice("partner_replied", "A partner answers a coordinator's question",
           "Referral {reference}: the partner has answered",
           {Role.COORDINATOR: REQUIRED}),
    Notice("prosecutor_update", "An arrest diversion of your agencies is accepted, declined, "
           "withdrawn, completes or misses intake, or has its intake deadline extended",
           "Arrest diversion {reference}: its status has changed",
           {Role.PROSECUTOR: REQUIRED}),
    Notice("digest", "A weekday digest: unclaimed referrals and intake deadlines due soon",
           "LEAD referrals: your digest for {day}",
           {Role.COORDINATOR: OPTIONAL_ON}),
)}


def rule_for(notice: str, role: Role) -> Rule | None:
    return NOTICES[notice].rules.get(role)


def notices_for(role: Role) -> list[tuple[Notice, Rule]]:
    return [(notice, notice.rules[role]) for notice in NOTICES.values() if role in notice.rules]

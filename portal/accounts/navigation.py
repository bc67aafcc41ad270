"""The primary navigation, per role: what each kind of user can do from their home page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_login import current_user

from portal.accounts.access import may
from portal.accounts.models import Role
from portal.web.urls import fixed_url


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: str
    description: str
    action: str
    roles: tuple[Role, ...] = ()
    kwargs: tuple = ()

    @property
    def url(self) -> str:
        return fixed_url(self.endpoint, **dict(self.kwargs))

    @property
    def current(self) -> bool:
        return request.endpoint == self.endpoint


def _own_organisation(user) -> tuple:
    return (("organisation_id", user.organisation_id),)


def _officer(user) -> bool:
    return user.organisation.kind.value == "law_enforcement"


def _start_words(user) -> str:
    # Community partners never make arrests: their home page speaks of the people they meet.
    if _officer(user):
        return "Refer a person to LEAD: arrest diversion or a social contact referral."
    return "Refer a person you work with who qualifies for LEAD and agrees to be referred."


def _details_words(user) -> str:
    who = "Your name, phone and badge number" if _officer(user) else "Your name and phone"
    return f"{who}, your password and your recovery codes."


def navigation() -> list[Item]:
    if not current_user.is_authenticated:
        return [Item("public.landing", "About LEAD", "", ""),
                Item("accounts.sign_in", "Sign in", "", "")]
    user = current_user
    items = [
        Item("accounts.home", "Home", "", ""),
        Item("referrals.dashboard", "Referrals", "Your drafts and referrals, with their status and "
             "any question from a coordinator.", "See your referrals", may("refer")),
        Item("referrals.new", "Start a referral", _start_words(user), "Start a referral",
             may("refer")),
        Item("review.queue", "Review queue", "Open referrals, nearest intake deadline first: claim "
             "one, check it and decide.", "Work the queue", may("review")),
        Item("casework.conference", "Case conference", "Every referral still being worked, for "
             "the weekly case conference: a page and a printable PDF.", "See the list",
             may("review")),
        Item("reports.index", "Reports", "Referrals, outcomes and racial disparity over a period, "
             "with charts, CSV and PDF.", "See the reports", may("review")),
        Item("prosecutor.referrals", "Arrest diversions", "The arrest diversions of the police "
             "agencies you serve: decisions, withdrawals, intake and deadlines, with a CSV.",
             "See the arrest diversions", may("see_outcomes")),
        Item("admin.organisations", "Organizations", "Add partner organizations and invite their "
             "first users.", "Manage organizations", may("administer_program")),
        Item("admin.access_requests", "Access requests", "Approve or reject organizations asking "
             "to become partners.", "Review requests", may("administer_program")),
        Item("admin.organisation", "Your organization", "Invite, disable and re-enable your "
             "organization's users.", "Manage users", (Role.PARTNER_ADMIN,), _own_organisation(user)),
        Item("audit.events", "Audit log", "Every sign-in, change and refused access, with filters "
             "and a CSV export.", "Read the audit log", may("administer_program")),
        Item("notifications.troubled", "Outbox", "Email that could not be sent, with its error, "
             "to retry; and the sent mail kept without SMTP.", "Check the outbox",
             may("administer_program")),
        Item("accounts.profile", "Your details", _details_words(user), "Change your details"),
    ]
    return [item for item in items if not item.roles or user.role in item.roles]

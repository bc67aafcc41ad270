"""The work after acceptance on a few demo referrals: a case manager and some contact attempts,
recorded by the coordinator who accepted them, through the casework operations."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import User
from portal.casework import operations as casework
from portal.referrals.models import Referral

# By the order of the accepted demo referrals: who manages the case, and the attempts so far
# (all on the day of acceptance, the demo's today: an attempt cannot be dated before it).
PLANS = (
    (None, [("phone", "no_answer", None),
            ("outreach_visit", "reached", "Met at the library; agreed to an intake on Friday."),
            ("text", "scheduled_intake", None)]),
    (("Harbor Outreach", "Sam Okafor, 303 555 0160"),
     [("outreach_visit", "no_answer", "Not at the usual spot under the bridge.")]),
    ("admin@lead.demo", [("letter", "other", "Letter left at the shelter's front desk.")]),
)


def give_casework(referral: Referral, coordinator: User, index: int, staff: dict[str, User],
                  today: date) -> None:
    """The ``index``-th accepted demo referral's plan, if it has one."""
    if index >= len(PLANS):
        return
    manager, attempts = PLANS[index]
    if isinstance(manager, tuple):
        casework.assign_case_manager(coordinator, referral, agency=manager[0],
                                     contact=manager[1])
    elif manager is not None:
        casework.assign_case_manager(coordinator, referral, user=staff[manager])
    actor = staff.get(manager, coordinator) if isinstance(manager, str) else coordinator
    for method, outcome, note in attempts:
        casework.record_attempt(actor, referral, attempted_on=today, method=method,
                                outcome=outcome, note=note, today=today)

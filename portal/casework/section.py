"""What the "After acceptance" section of the coordinator's referral page shows: handed to the
review's template as ``casework_of(referral)`` (portal/__init__.py), so that the review package
needs nothing of this one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_login import current_user

from portal.casework import operations, queries
from portal.casework.forms import CaseManagerForm, ContactAttemptForm
from portal.casework.models import CaseManagerAssignment, ContactAttempt
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.review.queries import coordinators

# Shown for these; a referral whose intake is done keeps its record, read only.
SHOWN = operations.WORKED | {Status.INTAKE_COMPLETED}


@dataclass(frozen=True)
class Section:
    shown: bool
    may_record: bool
    responsible: str | None
    assignments: list[CaseManagerAssignment]
    attempts: list[ContactAttempt]
    case_manager_form: CaseManagerForm
    attempt_form: ContactAttemptForm

    @property
    def current(self) -> CaseManagerAssignment | None:
        return self.assignments[-1] if self.assignments else None

    @staticmethod
    def words(attempt: ContactAttempt) -> str:
        return queries.attempt_words(attempt)


def staff_choices() -> dict[str, str]:
    return {str(user.id): user.name for user in coordinators()}


def attempt_form(referral: Referral, posted: bool = False) -> ContactAttemptForm:
    """The form, blank for the page or read from the request (``posted``)."""
    form = ContactAttemptForm() if posted else ContactAttemptForm(formdata=None)
    return form.for_referral(lambda day: operations.check_attempt_date(referral, day,
                                                                       date.today()))


def of(referral: Referral) -> Section:
    if referral.status not in SHOWN:
        return Section(False, False, None, [], [], CaseManagerForm(formdata=None),
                       ContactAttemptForm(formdata=None))
    holder = operations.responsible(referral)
    return Section(True, operations.may_record(current_user, referral),
                   holder.name if holder else None, queries.assignments(referral),
                   queries.attempts(referral),
                   CaseManagerForm(formdata=None).for_staff(staff_choices()),
                   attempt_form(referral))

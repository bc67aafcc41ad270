"""What the prosecutor's office sees of an arrest diversion: one row, these fields, nothing more.

The arrest-diversion consent (portal/consent/texts.toml, en and es, "to_whom") says the
prosecutor's office "gets only what they need about your charges: whether you finished intake,
and whether you are taking part in the program", and none of the person's health, mental health,
or drug or alcohol information. So a row names the case the office already holds (the agency,
its incident number, the arrest date and the charges, by their ruleset labels) and says where the
person stands (the latest change and its day, and the intake deadline). The person's name and
date of birth are left out: the consent does not list them for the office, and the incident
number already ties the row to its file. No other answer, no screening, no note, no free text
(an "other" charge shows as its label, not the officer's description) is ever read here.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from portal.referrals.answers import arrest_case
from portal.referrals.states import Status

DEADLINE_EXTENDED = "deadline_extended"
# The changes the office is told of, in the order the status filter offers them.
CHANGES = {Status.ACCEPTED.value: "Accepted", Status.DECLINED.value: "Declined",
           Status.WITHDRAWN.value: "Withdrawn", Status.INTAKE_COMPLETED.value: "Intake completed",
           Status.INTAKE_MISSED.value: "Intake missed", DEADLINE_EXTENDED: "Deadline extended"}

HEADINGS = ("Reference", "Agency", "Incident number", "Arrest date", "Charges",
            "Intake deadline", "Status", "Status date")


@dataclass(frozen=True)
class ProsecutorRow:
    referral_id: int
    reference: str
    agency: str
    incident_number: str
    arrest_date: date | None
    charges: str
    intake_deadline: date | None
    status: str
    status_date: date
    changed_at: datetime  # the change's moment: the list's order and its next page's cursor

    def cells(self) -> tuple:
        """The row as the page and the CSV show it (HEADINGS' order): without id and moment."""
        return astuple(self)[1:-1]



def row_of(record, ruleset, timezone: str) -> ProsecutorRow:
    """``record``: the referral's columns, its agency's name, the change and its moment
    (prosecutor.queries)."""
    arrest, charges = arrest_case(record)
    labels = ", ".join(ruleset.charge_label(code) for code in charges.codes)
    changed_at = record.changed_at
    moment = changed_at if changed_at.tzinfo else changed_at.replace(tzinfo=UTC)
    return ProsecutorRow(
        referral_id=record.id, reference=record.reference, agency=record.agency,
        incident_number=arrest.incident_number, arrest_date=arrest.arrest_date,
        charges=labels, intake_deadline=record.intake_deadline,
        status=CHANGES.get(record.change, record.change),
        status_date=moment.astimezone(ZoneInfo(timezone)).date(), changed_at=moment)

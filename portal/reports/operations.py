"""The verbs of reports: keep a referral's reporting values and its cells, and record an
export."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit, db, events
from portal.referrals.models import Referral
from portal.referrals.states import Status
from portal.reports import cells
from portal.reports.models import ReferralCharge
from portal.reports.values import charge_rows, reporting_values


@events.on("referral.submitted")
def on_submitted(referral: Referral, answers, ruleset, **_) -> None:
    """A referral sent: keep the groups the reports count it by, from its typed answers."""
    cells.count_submitted(referral, keep_reporting_values(referral, answers, ruleset))


@events.on("referral.corrected")
def on_corrected(referral: Referral, answers, ruleset, **_) -> None:
    """A correction sent: out of the cells of its old groups and charges, into the new ones,
    so it is counted as corrected and once."""
    cells.uncount(referral)
    db.session().execute(delete(ReferralCharge).where(ReferralCharge.referral_id == referral.id))
    keep_reporting_values(referral, answers, ruleset)
    cells.recount(referral)


def keep_reporting_values(referral: Referral, answers, ruleset) -> list[dict]:
    """Set the reporting columns and charge rows of a referral being submitted (or corrected);
    returns the charge rows.

    A plain UPDATE, not an attribute change: the submission has already counted its version."""
    submitted_on = referral.submitted_at.date()
    person = answers.demographics
    values = reporting_values(person.race, person.ethnicity, person.gender,
                              referral.date_of_birth, submitted_on)
    db.session().execute(update(Referral).where(Referral.id == referral.id).values(**values)
                         .execution_options(synchronize_session=False))
    for column, value in values.items():  # the loaded referral shows them too
        set_committed_value(referral, column, value)
    charges = charge_rows(answers.charges.codes, ruleset)
    for row in charges:
        db.session().add(ReferralCharge(
            referral_id=referral.id, submitted_at=referral.submitted_at, route=referral.route,
            organisation_id=referral.organisation_id, race_group=values["race_group"],
            ethnicity=values["ethnicity"], **row))
    return charges


@events.on("referral.status_changed")
def on_status_changed(referral: Referral, source: Status, target: Status, **_) -> None:
    """The report's counts follow the referral, in the transaction of the change."""
    cells.count_transition(referral, source, target)


def record_export(actor, what: str, criteria, fmt: str) -> None:
    """Every download of report figures is audited: who, which table or file, which period."""
    audit.record("report.exported", actor=actor,
                 detail={"what": what, "format": fmt, **criteria.as_detail()})

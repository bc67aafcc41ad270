"""The intake deadline as a lifecycle (issue 11, item 5): one clock from the day the consent was
signed, extensions with a reason, accepting past the deadline asks first, and intake recorded
after the deadline is kept as "intake completed late"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import events
from portal.consent.models import Consent
from portal.referrals.models import DeadlineExtension, Referral
from portal.referrals.states import Status
from portal.review import operations
from portal.review.commands import deadlines
from tests.receipts.helpers import pdf, text
from tests.review.helpers import (
    TODAY, act, act_page, audit_rows, events_of, fresh, queue_rows, review_url,
)

SIGNED = TODAY - timedelta(days=5)  # the consent signed five days before the referral was sent
DUE = SIGNED + timedelta(days=30)   # the default ruleset's 30 intake days, from the signing


def _signed_early(make, officer, casey, status=Status.ACCEPTED):
    return make.referral(by=officer, status=status, decider=casey,
                         answers={"consent": {"signed_on": SIGNED.isoformat()}})


def test_consent_text_receipt_queue_and_daily_job_agree_on_the_intake_date(
        make, app, session, signed_in, officer, casey):
    referral = _signed_early(make, officer, casey)
    assert referral.intake_deadline == DUE
    consent = session.scalar(select(Consent).where(Consent.referral_id == referral.id))
    assert consent.signed_on == SIGNED and consent.revocable_from == DUE

    partner = signed_in(officer)
    consent_copy = text(pdf(partner, f"/referrals/{referral.id}/consent-copy.pdf").data)
    assert "The intake period ends 30 days after the day you sign" in " ".join(
        consent_copy.split())
    receipt = text(pdf(partner, f"/referrals/{referral.id}/person-receipt.pdf?language=en").data)
    assert f"Intake deadline: {DUE:%B} {DUE.day}, {DUE.year}" in receipt

    coordinator = signed_in(casey)
    rows = queue_rows(coordinator.get("/review/?status=accepted"))
    [row] = [r for r in rows if r["Reference"] == referral.reference]
    assert f"{DUE.month}/{DUE.day}/{DUE.year}" in " ".join(row.values()) or \
        f"{DUE:%B} {DUE.day}, {DUE.year}" in " ".join(row.values())

    runner = app.test_cli_runner()
    assert runner.invoke(deadlines, ["--on", DUE.isoformat()]).output.startswith("0 referral")
    marked = runner.invoke(deadlines, ["--on", (DUE + timedelta(days=1)).isoformat()]).output
    assert marked.startswith(f"1 referral(s) marked intake missed: {referral.reference}")


def test_intake_recorded_after_the_daily_job_marked_it_missed_is_completed_late(
        make, app, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=TODAY - timedelta(days=3))
    app.test_cli_runner().invoke(deadlines, [])
    assert fresh(session, Referral, referral.id).status is Status.INTAKE_MISSED
    browser = signed_in(casey)
    act(browser, referral.id, "intake", {"outcome": "completed",
                                         "completed_on": f"{TODAY.month}/{TODAY.day}/{TODAY.year}"},
        status=302)
    row = fresh(session, Referral, referral.id)
    assert (row.status, row.intake_completed_on) == (Status.INTAKE_COMPLETED, TODAY)
    assert events_of(session, referral.id)[-1].reason == f"Intake completed late on {TODAY}"
    page = browser.get(review_url(referral.id))
    assert page.soup.find(id="status").get_text() == "Intake completed late"
    partner = signed_in(officer).get(f"/referrals/{referral.id}")
    assert "Intake completed late" in partner.soup.find(id="decision").get_text()


def test_a_missed_intake_cannot_be_marked_missed_twice(make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.INTAKE_MISSED, decider=casey)
    page = act_page(signed_in(casey), referral.id, "intake", {"outcome": "missed"}, status=400)
    assert "already recorded as missed" in page.text


def _extend(browser, referral_id, new_deadline, reason="The person is in hospital", **kw):
    return act(browser, referral_id, "extend-deadline",
               {"new_deadline": f"{new_deadline.month}/{new_deadline.day}/{new_deadline.year}",
                "reason": reason}, **kw)


def test_a_coordinator_extends_the_deadline_with_a_reason(make, session, signed_in, officer, casey,
                                                          monkeypatch):
    told = []
    monkeypatch.setitem(events._listeners, "referral.deadline_extended",
                        [lambda **data: told.append({**data, "referral": data["referral"].id,
                                                     "actor": data["actor"].id})])
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=TODAY + timedelta(days=2))
    later = TODAY + timedelta(days=16)
    _extend(signed_in(casey), referral.id, later, status=302)

    row = fresh(session, Referral, referral.id)
    assert (row.status, row.intake_deadline) == (Status.ACCEPTED, later)
    [extension] = session.scalars(select(DeadlineExtension).where(
        DeadlineExtension.referral_id == referral.id)).all()
    assert (extension.old_deadline, extension.new_deadline, extension.reason,
            extension.extended_by_id) == (TODAY + timedelta(days=2), later,
                                          "The person is in hospital", casey.id)
    [audit] = audit_rows(session, "referral.deadline_extended", object_id=str(referral.id))
    assert audit.detail == {"from": (TODAY + timedelta(days=2)).isoformat(),
                            "to": later.isoformat()}  # never the reason's free text
    [data] = told
    assert (data["referral"], data["actor"], data["old_deadline"], data["new_deadline"],
            data["reason"]) == (referral.id, casey.id, TODAY + timedelta(days=2), later,
                                "The person is in hospital")
    page = signed_in(casey).get(review_url(referral.id))
    assert "The person is in hospital" in page.soup.find(id="extensions").get_text()
    assert "hospital" not in signed_in(officer).get(f"/referrals/{referral.id}").text


@pytest.mark.parametrize("days, message", [
    (0, "after the current one"), (-1, "after the current one"), (None, "Enter the new intake")])
def test_an_extension_must_be_later_and_keeps_what_was_typed(make, session, signed_in, officer,
                                                             casey, days, message):
    current = TODAY + timedelta(days=2)
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=current)
    browser = signed_in(casey)
    page = browser.get(review_url(referral.id))
    data = {"new_deadline": "" if days is None else
            f"{(current + timedelta(days=days)).month}/{(current + timedelta(days=days)).day}/"
            f"{(current + timedelta(days=days)).year}", "reason": "Still looking for them"}
    response = act_page(browser, referral.id, "extend-deadline", data, page=page, status=400)
    assert message in response.text
    assert response.soup.find(id="extend-reason").get_text() == "Still looking for them"
    assert fresh(session, Referral, referral.id).intake_deadline == current
    assert session.scalars(select(DeadlineExtension).where(
        DeadlineExtension.referral_id == referral.id)).all() == []


def test_extending_a_missed_intake_reopens_it(make, app, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.ACCEPTED, decider=casey,
                             intake_deadline=TODAY - timedelta(days=2))
    app.test_cli_runner().invoke(deadlines, [])
    _extend(signed_in(casey), referral.id, TODAY + timedelta(days=7), status=302)
    row = fresh(session, Referral, referral.id)
    assert (row.status, row.intake_deadline) == (Status.ACCEPTED, TODAY + timedelta(days=7))
    last = events_of(session, referral.id)[-1]
    assert (last.from_status, last.to_status) == (Status.INTAKE_MISSED, Status.ACCEPTED)
    with app.app_context():
        assert operations.mark_missed_deadlines(TODAY + timedelta(days=7)) == []


def test_accepting_past_the_deadline_warns_and_asks_to_confirm(make, session, signed_in, officer,
                                                               casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                             intake_deadline=TODAY - timedelta(days=1))
    browser = signed_in(casey)
    page = browser.get(review_url(referral.id))
    assert page.soup.find(id="past-deadline") is not None
    refused = act_page(browser, referral.id, "accept", {"message": "We will look for them"},
                       page=page, status=400)
    assert "The intake deadline passed on" in refused.text
    assert refused.soup.find(id="accept-message").get_text() == "We will look for them"
    assert fresh(session, Referral, referral.id).status is Status.IN_REVIEW
    act(browser, referral.id, "accept", {"message": "We will look for them", "past_deadline": "y"},
        status=302)
    assert fresh(session, Referral, referral.id).status is Status.ACCEPTED


def test_accepting_before_the_deadline_asks_nothing(make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    browser = signed_in(casey)
    assert browser.get(review_url(referral.id)).soup.find(id="past-deadline") is None
    act(browser, referral.id, "accept", status=302)
    assert fresh(session, Referral, referral.id).status is Status.ACCEPTED


def test_a_closed_referral_is_not_flagged_overdue(make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.DECLINED, decider=casey,
                             intake_deadline=TODAY - timedelta(days=9))
    browser = signed_in(casey)
    [row] = [r for r in queue_rows(browser.get(f"/review/?q={referral.reference}"))
             if r["Reference"] == referral.reference]
    assert "Overdue" not in row["Intake deadline"]
    page = browser.get(review_url(referral.id))
    assert "overdue" not in page.soup.find(id="status").parent.get_text().lower()


def test_the_daily_job_applies_a_pending_revocation_once(make, app, session, signed_in, officer):
    referral = make.referral(by=officer)
    browser = signed_in(officer)
    browser.submit(f"/referrals/{referral.id}/consent/revoke",
                   {"requested_on": f"{TODAY.month}/{TODAY.day}/{TODAY.year}",
                    "method": "in_writing"}, status=302)
    day = fresh(session, Referral, referral.id).intake_deadline.isoformat()
    runner = app.test_cli_runner()
    assert runner.invoke(deadlines, ["--on", day]).output.splitlines()[1] == \
        "1 revocation(s) took effect."
    assert runner.invoke(deadlines, ["--on", day]).output.splitlines()[1] == \
        "0 revocation(s) took effect."
    consent = session.scalar(select(Consent).where(Consent.referral_id == referral.id))
    assert len(audit_rows(session, "consent.revocation_effective", object_id=str(consent.id))) == 1

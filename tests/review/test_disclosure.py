"""Need-to-know: what program staff write for themselves never reaches the referring partner,
and once the person's consent ends the partner sees only that the referral exists.

A marker (a stand-in for a health detail) is written into every box a coordinator has; the test
then walks every page and document the referring organization can reach."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.consent.models import Consent
from portal.eligibility import months_after
from portal.referrals.answers import ARREST, SOCIAL
from portal.referrals.states import Status
from portal.web.dates import long_date
from tests.review.helpers import act, review_url

MARKER = "positive opiate screen QX7"  # what program staff keep for themselves
MESSAGE = "Please ask her to call Monday QM4"  # what the coordinator writes to the partner


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


DECISIONS = {
    "accepted": [("accept", {"justification": MARKER, "message": MESSAGE})],
    "declined": [("decline", {"reason": "other", "declined_by": "program", "note": MARKER,
                              "message": MESSAGE})],
    "needs_information": [("request-information", {"question": MESSAGE, "context": MARKER})],
    "intake_completed": [("accept", {"justification": MARKER, "message": MESSAGE}),
                         ("intake", {"outcome": "completed",
                                     "completed_on": _us(date.today())})],
}
DOCUMENTS = ("receipt", "receipt.pdf", "person-receipt", "person-receipt.pdf", "consent-copy",
             "consent-copy.pdf")


def partner_urls(referral_id: int) -> list[str]:
    base = f"/referrals/{referral_id}"
    return ["/home", "/referrals/", base, f"{base}/confirmation", f"{base}/consent/revoke",
            *(f"{base}/{document}" for document in DOCUMENTS)]


def text_of(response) -> str:
    if response.mimetype == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def _decide(client, referral_id: int, steps) -> None:
    client.submit(f"/review/referrals/{referral_id}/notes", {"body": MARKER},
                  form_url=review_url(referral_id), form_index=0, status=302)
    for action, data in steps:
        act(client, referral_id, action, data, status=302)


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_no_staff_text_reaches_the_referring_partner(make, signed_in, officer, casey, decision):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                             screening="needs_review")
    _decide(signed_in(casey), referral.id, DECISIONS[decision])
    admin = make.user(Role.PARTNER_ADMIN, officer.organisation)
    for partner in (signed_in(officer), signed_in(admin)):
        shown = []
        for url in partner_urls(referral.id):
            response = partner.raw.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            assert MARKER not in text_of(response), url
            shown.append(text_of(response))
        assert MESSAGE in "".join(shown), "what the coordinator wrote to the partner is shown"
    staff_page = signed_in(casey).get(review_url(referral.id)).text
    assert MARKER in staff_page and MESSAGE in staff_page


def test_every_coordinator_box_says_who_reads_it(signed_in, make, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                             screening="needs_review")
    page = signed_in(casey).get(review_url(referral.id))
    labels = {label.get("for"): " ".join(label.get_text().split())
              for label in page.soup.select("form label")}
    boxes = [box.get("id") for box in page.soup.select("form textarea")]
    assert boxes, "the page has boxes to write in"
    for box in boxes:
        assert ("(program staff only)" in labels[box]
                or "(the referring partner will read this)" in labels[box]), labels[box]


def test_the_decision_shows_to_the_partner_as_a_banner_with_its_reason(make, signed_in, officer,
                                                                       casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    _decide(signed_in(casey), referral.id, DECISIONS["declined"])
    banner = signed_in(officer).get(f"/referrals/{referral.id}").soup.find(id="decision")
    words = " ".join(banner.get_text(" ").split())
    assert words.startswith("Declined: Other reason") and MESSAGE in words


def test_no_audit_row_holds_the_text_of_a_note_question_or_reason(make, signed_in, session,
                                                                  officer, casey):
    coordinator = signed_in(casey)
    for steps in DECISIONS.values():
        referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                                 screening="needs_review")
        _decide(coordinator, referral.id, steps)
    withdrawn = make.referral(by=officer, status=Status.SUBMITTED)
    signed_in(officer).submit(f"/referrals/{withdrawn.id}/withdraw", {"reason": MARKER},
                              form_url=f"/referrals/{withdrawn.id}", status=302)
    details = [str(row.detail) for row in session.query(AuditEvent).all()]
    assert details and not [d for d in details if MARKER in d or MESSAGE in d]


def _revoke(client, referral_id: int, on: date) -> None:
    client.submit(f"/referrals/{referral_id}/consent/revoke",
                  {"requested_on": _us(on), "method": "in_writing"}, status=302)


def _partner_sees_only_that_it_exists(client, referral, session) -> None:
    page = client.get(f"/referrals/{referral.id}")
    assert page.soup.find(id="consent-ended") is not None
    assert referral.reference in page.text and page.soup.find(id="status") is not None
    assert referral.legal_name not in page.text, "no answers"
    assert page.soup.find(id="history").get_text().count("“") == 0, "no messages"
    refused_before = session.query(AuditEvent).filter_by(outcome="refused").count()
    for document in DOCUMENTS:
        url = f"/referrals/{referral.id}/{document}"
        expected = 200 if document.startswith("consent-copy") else 404
        assert client.raw.get(url).status_code == expected, url
    refused = session.query(AuditEvent).filter_by(outcome="refused").count() - refused_before
    assert refused == 4, "every refused document request is audited"


def test_an_effective_revocation_stops_disclosure_to_the_partner(make, signed_in, session,
                                                                 officer, casey):
    referral = make.referral(SOCIAL, by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    partner = signed_in(officer)
    _revoke(partner, referral.id, date.today())
    _partner_sees_only_that_it_exists(partner, referral, session)
    coordinator = signed_in(casey)
    assert coordinator.get(review_url(referral.id)).soup.find(id="consent-revoked") is not None
    assert "Consent revoked" in coordinator.get("/review/").text
    # Program staff still print every document.
    assert coordinator.raw.get(f"/referrals/{referral.id}/receipt").status_code == 200


def test_a_pending_revocation_takes_effect_on_its_day_with_no_one_acting(make, signed_in,
                                                                        session, officer, casey):
    referral = make.referral(ARREST, by=officer, status=Status.ACCEPTED, decider=casey)
    partner = signed_in(officer)
    _revoke(partner, referral.id, date.today())
    assert partner.get(f"/referrals/{referral.id}").soup.find(id="consent-ended") is None
    assert "Revocation pending" in signed_in(casey).get("/review/").text
    page = partner.get(f"/referrals/{referral.id}")
    assert "has been told" not in page.text
    with time_machine.travel(referral.intake_deadline + timedelta(days=1), tick=False):
        _partner_sees_only_that_it_exists(signed_in(officer), referral, session)


def test_an_expired_consent_stops_disclosure_to_the_partner(make, signed_in, session, officer, casey):
    referral = make.referral(SOCIAL, by=officer, status=Status.IN_REVIEW, claimed_by=casey)
    consent = session.scalar(select(Consent).where(Consent.referral_id == referral.id))
    assert consent.expires_on == months_after(date.today(), 12), "the text's term: one year"
    with time_machine.travel(consent.expires_on, tick=False):  # its last day: still in force
        page = signed_in(officer).get(f"/referrals/{referral.id}")
        assert page.soup.find(id="consent-ended") is None and referral.legal_name in page.text
        assert "Consent expired" not in signed_in(casey).get("/review/").text
    with time_machine.travel(consent.expires_on + timedelta(days=1), tick=False):
        partner = signed_in(officer)
        _partner_sees_only_that_it_exists(partner, referral, session)
        status = partner.get(f"/referrals/{referral.id}").soup.find(id="consent-status").get_text()
        assert status == f"Expired on {long_date(consent.expires_on)}"
        assert "Consent ended: not shown" in partner.get("/referrals/").text
        coordinator = signed_in(casey)
        banner = coordinator.get(review_url(referral.id)).soup.find(id="consent-expired")
        assert banner is not None and long_date(consent.expires_on) in banner.get_text()
        assert "Consent expired" in coordinator.get("/review/").text
        assert coordinator.raw.get(f"/referrals/{referral.id}/receipt").status_code == 200

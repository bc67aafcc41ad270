"""Documents and pages that say what is true now (issue 11, item 6): once a referral is declined,
withdrawn, missed or its consent revoked, nothing printed or shown says charges are held or that
a case manager will call; before a decision the person's receipt promises nothing; the person's
receipt never carries the charges, and says where and when to walk in for intake."""

from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind, Role
from portal.referrals.states import Status
from tests.receipts.helpers import ARREST, SOCIAL, pdf, poppler, squash

ADDRESS = "100 Example Street, Suite 2 (demo address)"
HOURS = "Monday to Friday, 9 a.m. to 4 p.m., no appointment needed"
HELD = ("charges are held", "case manager", "quedan en suspenso", "administrador de casos")


def read(client, url: str) -> str:
    """A PDF read back with pdftotext, whitespace collapsed."""
    return squash(poppler("pdftotext", pdf(client, url).data))


def _made(client, make, status: Status, route: str = ARREST):
    officer = make.user(Role.REFERRER, make.org(
        OrgKind.LAW_ENFORCEMENT if route == ARREST else OrgKind.COMMUNITY_PARTNER))
    client.sign_in(officer)
    return make.referral(route, status, by=officer)


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN, Status.INTAKE_MISSED])
def test_nothing_of_a_closed_referral_says_charges_are_held(client, make, status):
    referral = _made(client, make, status)
    documents = {
        "receipt": read(client, f"/referrals/{referral.id}/receipt.pdf"),
        "person en": read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=en"),
        "person es": read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=es"),
    }
    for name, found in documents.items():
        lowered = found.lower()
        assert not [words for words in HELD if words in lowered], name
        assert "closed" in lowered or "cerrada" in lowered, name
    assert f"Status: {status.label}" in documents["receipt"]
    for url in (f"/referrals/{referral.id}", f"/referrals/{referral.id}/confirmation",
                f"/referrals/{referral.id}/receipt", f"/referrals/{referral.id}/person-receipt"):
        page = client.get(url).text.lower()
        assert "charges are held" not in page and "case manager" not in page, url
    banner = client.get(f"/referrals/{referral.id}").soup.find(id="decision").get_text(" ")
    assert status.label in banner
    assert ("did not complete intake by the deadline" if status is Status.INTAKE_MISSED
            else "no longer applies") in banner


def test_a_declined_referral_banner_gives_its_reason(client, make):
    referral = _made(client, make, Status.DECLINED)
    banner = " ".join(client.get(f"/referrals/{referral.id}").soup.find(id="decision")
                      .get_text(" ").split())
    assert banner.startswith("Declined: ") and len(banner) > len("Declined: ")


def test_the_consent_copy_of_a_closed_referral_keeps_the_text_and_says_it_is_over(client, make):
    referral = _made(client, make, Status.DECLINED)
    found = read(client, f"/referrals/{referral.id}/consent-copy.pdf")
    assert "This referral's status is now: Declined" in found
    assert "the intake period it describes no longer applies" in found
    assert "Your charges are on hold during the intake period" in found  # the text as signed


def test_the_person_receipt_before_a_decision_promises_nothing(client, make):
    referral = _made(client, make, Status.SUBMITTED)
    found = read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=en")
    assert "If the program accepts your referral, you must complete intake by this date." in found
    assert "Your charges are held" not in found and "will contact you" not in found
    assert f"walk in at {ADDRESS}, {HOURS}" in found
    for charge in ("Shoplifting", "Trespassing", "Charges"):
        assert charge not in found, charge
    assert "Shoplifting" in read(client, f"/referrals/{referral.id}/receipt.pdf")  # the partner's


def test_the_person_receipt_of_an_accepted_referral_says_where_to_go(client, make):
    referral = _made(client, make, Status.ACCEPTED)
    english = read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=en")
    assert "The program accepted your referral." in english
    assert "Your charges are held until then." in english
    assert f"walk in at {ADDRESS}, {HOURS}" in english
    spanish = read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=es")
    assert "El programa aceptó su remisión." in spanish
    assert "De lunes a viernes, de 9 a. m. a 4 p. m., sin cita" in spanish
    assert "Cargos" not in spanish


def test_the_person_receipt_of_a_social_contact_leaves_out_the_conduct(client, make):
    referral = _made(client, make, Status.SUBMITTED, route=SOCIAL)
    found = read(client, f"/referrals/{referral.id}/person-receipt.pdf?language=en")
    assert "Eligible conduct" not in found and "Most recent instance" not in found
    assert "Eligible conduct" in read(client, f"/referrals/{referral.id}/receipt.pdf")


def test_a_revoked_consent_closes_the_documents(client, make, signed_in):
    referral = _made(client, make, Status.ACCEPTED, route=SOCIAL)
    today = referral.submitted_at.date()
    client.submit(f"/referrals/{referral.id}/consent/revoke",
                  {"requested_on": f"{today.month}/{today.day}/{today.year}",
                   "method": "in_writing"}, status=302)
    staff = signed_in(make.user(Role.COORDINATOR))  # the partner sees no documents any more
    found = read(staff, f"/referrals/{referral.id}/person-receipt.pdf?language=en")
    assert "Status: Consent revoked" in found and "This referral is closed" in found
    assert "case manager" not in found.lower()

"""42 CFR 2.32 on every document: the notice verbatim on the partner's receipt, the person's
receipt (English and Spanish: the regulation's English, marked lang="en", a Spanish explanation
beside it) and the consent copy; and the partner's receipt saying what the consent allows
(2.32(b)), in the words of the English twin of the text signed."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.models import Role
from portal.consent.texts import default_texts
from portal.receipts import documents
from portal.referrals.answers import of
from portal.referrals.models import Referral
from portal.referrals.steps import consent_values
from tests.receipts.helpers import ARREST, SOCIAL, pdf, squash, submit, text
from tests.receipts.test_receipt import NOTICE_2024

TEXTS = default_texts()
SCOPE = ("what_information", "to_whom", "purpose", "expiry")
EXPLAINED = "Este aviso reproduce en inglés las palabras exactas de la norma federal."


@pytest.fixture
def officer_client(signed_in):
    return signed_in(role=Role.REFERRER)


@pytest.fixture
def client_for(signed_in, make):
    """A referrer of the kind the route needs (an outreach worker for social contact)."""
    return lambda route: signed_in(make.referrer(route))


def _sent(client, route: str, language: str) -> tuple[int, str]:
    return submit(client, route, pages={"person": {"language": language}},
                  consent={"text_id": TEXTS.current(route, language).id, "language": language})


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_document_carries_the_notice_verbatim(officer_client, language):
    referral_id, _ = _sent(officer_client, ARREST, language)
    for url in ("receipt.pdf", "person-receipt.pdf?language=en", "person-receipt.pdf?language=es",
                "consent-copy.pdf"):
        found = text(pdf(officer_client, f"/referrals/{referral_id}/{url}").data)
        assert NOTICE_2024 in found, (language, url)


def test_the_spanish_documents_keep_the_notice_in_english_and_explain_it(client_for):
    officer_client = client_for(SOCIAL)
    referral_id, _ = _sent(officer_client, SOCIAL, "es")
    for url in ("person-receipt?language=es", "consent-copy"):
        page = officer_client.get(f"/referrals/{referral_id}/{url}")
        assert page.soup.html["lang"] == "es", url
        notice = page.soup.find(id="notice-text")
        assert notice["lang"] == "en" and squash(notice.get_text(" ")) == NOTICE_2024, url
        assert page.soup.find(id="notice-explained").get_text().startswith(EXPLAINED), url
    found = text(pdf(officer_client, f"/referrals/{referral_id}/person-receipt.pdf?language=es").data)
    assert EXPLAINED in found and NOTICE_2024 in found


def test_an_english_document_has_no_spanish_explanation(officer_client):
    referral_id, _ = _sent(officer_client, ARREST, "en")
    page = officer_client.get(f"/referrals/{referral_id}/person-receipt?language=en")
    assert page.soup.find(id="notice-text") and page.soup.find(id="notice-explained") is None


@pytest.mark.parametrize("route", [ARREST, SOCIAL])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_partner_receipt_says_what_the_consent_allows(client_for, session, route, language):
    officer_client = client_for(route)
    referral_id, _ = _sent(officer_client, route, language)
    found = text(pdf(officer_client, f"/referrals/{referral_id}/receipt.pdf").data)
    assert "What the person's consent allows" in found
    referral = session.get(Referral, referral_id)
    signed = TEXTS.current(route, language)
    english = next(t for t in TEXTS if (t.route, t.version, t.language)
                   == (route, signed.version, "en"))
    values = consent_values(of(referral), referral.organisation.name,
                            officer_client.app.extensions["portal.settings"],
                            officer_client.app.extensions["portal.ruleset"])
    shown = [s for s in english.render(**values) if s.element in SCOPE]
    assert len(shown) == 4
    for section in shown:
        assert section.heading in found, section.heading
        for block in section.blocks:
            for line in block.lines:
                assert squash(line) in found, line
    assert english.id in found and signed.id in found
    assert "You do not have to sign" not in found  # the scope, not the whole text


def test_the_person_documents_have_no_scope_section(officer_client):
    referral_id, _ = _sent(officer_client, ARREST, "es")
    for url in ("person-receipt?language=es", "person-receipt?language=en", "consent-copy"):
        page = officer_client.get(f"/referrals/{referral_id}/{url}")
        assert page.soup.find(id="consent-scope") is None, url


def test_the_scope_comes_from_the_english_twin_of_the_signed_version():
    spanish = TEXTS.current(ARREST, "es")

    class Signed:
        text_id, signed_on = spanish.id, date(2026, 3, 27)

    src = documents.Sources(referral=None, answers=None, screening=None, consent=Signed,
                            ruleset=None, settings=None, made_at=None)
    values = {"person_name": "Ana", "referring_organisation": "Metro PD", "program_name": "LEAD",
              "intake_deadline_days": 30}
    scope = documents.consent_scope(src, TEXTS, values)
    twin = TEXTS.get(spanish.id.removesuffix("-es") + "-en")
    assert [s.element for s in scope.sections] == list(SCOPE)
    assert scope.sections == tuple(s for s in twin.render(**values) if s.element in SCOPE)
    assert "March 27, 2026" in scope.source

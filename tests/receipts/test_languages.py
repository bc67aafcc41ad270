"""The person's receipt and the consent copy in the person's language; what the person's copy
leaves out."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.consent.texts import default_texts
from portal.eligibility import months_after
from portal.receipts import documents
from tests.receipts.helpers import ARREST, pdf, submit, text

ENGLISH_LABELS = ("Reference number", "Intake deadline", "What happens next", "Date of birth",
                  "Charges", "Questions?", "Kind of referral", "Status")
SPANISH_LABELS = ("Número de referencia", "Fecha límite para la admisión", "Qué pasa ahora",
                  "Fecha de nacimiento", "¿Preguntas?", "Tipo de remisión", "Estado: Enviada",
                  "Remisión al momento del arresto", "de marzo de 1990")
# The person's receipt leaves the charges out: the charge's name, and its heading.
CHARGES_IN_SPANISH = ("Hurto en una tienda", "Cargos")


@pytest.fixture
def officer_client(signed_in):
    return signed_in(role=Role.REFERRER)


def _spanish_speaker(client):
    return submit(client, ARREST, pages={"person": {"language": "es"}},
                  consent={**_spanish_consent()}, partner_note="Nota privada del agente")


def _spanish_consent() -> dict:
    return {"text_id": default_texts().current(ARREST, "es").id, "language": "es"}


def test_the_spanish_receipt_is_in_spanish(officer_client):
    referral_id, reference = _spanish_speaker(officer_client)
    found = text(pdf(officer_client, f"/referrals/{referral_id}/person-receipt.pdf?language=es").data)
    assert reference in found
    for label in SPANISH_LABELS:
        assert label in found, label
    for label in ENGLISH_LABELS + CHARGES_IN_SPANISH:
        assert label not in found, label


def test_the_person_receipt_is_in_their_preferred_language_by_default(officer_client):
    referral_id, _ = _spanish_speaker(officer_client)
    response = pdf(officer_client, f"/referrals/{referral_id}/person-receipt.pdf")
    assert "Número de referencia" in text(response.data)
    assert response.headers["Content-Disposition"].endswith('-es.pdf"')
    page = officer_client.get(f"/referrals/{referral_id}/person-receipt")
    assert page.soup.html["lang"] == "es" and "Su comprobante de remisión" in page.title


def test_an_english_copy_can_be_printed_for_a_spanish_speaker(officer_client):
    referral_id, _ = _spanish_speaker(officer_client)
    found = text(pdf(officer_client, f"/referrals/{referral_id}/person-receipt.pdf?language=en").data)
    assert "Your referral receipt" in found and "Número de referencia" not in found


def test_an_unknown_language_falls_back_to_the_preferred_one(make, officer_client):
    referral_id = make.referral(ARREST, by=officer_client.user).id
    found = text(pdf(officer_client, f"/referrals/{referral_id}/person-receipt.pdf?language=fr").data)
    assert "Your referral receipt" in found


def test_the_person_receipt_leaves_out_the_screening_and_the_notes(officer_client):
    referral_id, reference = _spanish_speaker(officer_client)
    for language in ("en", "es"):
        found = text(pdf(officer_client,
                         f"/referrals/{referral_id}/person-receipt.pdf?language={language}").data)
        assert reference in found
        for private in ("Screening", "Evaluación", "Eligible", "Elegible", "Ruleset",
                        "Cooperative; asked about detox.", "Nota privada del agente", "Badge",
                        "4471", "5th and Main"):  # the 2.32 notice is on it (test_notice_and_scope)
            assert private not in found, (language, private)


def test_the_spanish_consent_copy_is_the_spanish_text_signed(officer_client, session):
    referral_id, reference = _spanish_speaker(officer_client)
    signed = default_texts().current(ARREST, "es")
    found = text(pdf(officer_client, f"/referrals/{referral_id}/consent-copy.pdf").data)
    assert signed.title in found and reference in found
    for section in signed.sections:
        assert section.heading in found, section.heading
    for label in ("Firma escrita", "Fecha de la firma", "El consentimiento termina el", "Testigo", "Cómo revocar este consentimiento",
                  f"Versión del texto {signed.version}", signed.sha256, "José O'Neil"):
        assert label in found, label
    for label in ("Typed signature", "Witness", "Date signed", "How to revoke"):
        assert label not in found, label


def test_the_english_consent_copy_has_signature_date_witness_and_revocation(officer_client, make,
                                                                              session):
    referral_id = make.referral(ARREST, by=officer_client.user).id
    signed = default_texts().current(ARREST, "en")
    found = text(pdf(officer_client, f"/referrals/{referral_id}/consent-copy.pdf").data)
    from sqlalchemy import select

    from portal.consent.models import Consent

    consent = session.scalar(select(Consent).where(Consent.referral_id == referral_id))
    words = documents.words_for("en")
    for expected in (signed.title, f"Text version {signed.version}", signed.sha256,
                     "Typed signature José O'Neil", documents.format_date(consent.signed_on, words),
                     f"Consent ends on {documents.format_date(consent.expires_on, words)}",
                     consent.witness.name, "How to revoke this consent",
                     documents.format_date(consent.revocable_from, words), signed.revocable_from):
        assert expected in found, expected
    # The day it ends is the day of signing plus the text's term, in calendar months.
    assert consent.expires_on == months_after(consent.signed_on, signed.expires_after_months)
    # The sections as the person read them, placeholders filled.
    assert "This form is about you, José O'Neil." in found


def test_the_wording_has_the_same_keys_in_both_languages():
    english, spanish = documents.wording()["en"], documents.wording()["es"]
    assert set(english) == set(spanish)
    for key, value in english.items():
        assert type(value) is type(spanish[key]), key
        if isinstance(value, dict) and key not in ("charge_names", "conduct_names"):
            assert set(value) == set(spanish[key]), key
    assert len(english["months"]) == len(spanish["months"]) == 12

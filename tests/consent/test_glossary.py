"""The one Spanish glossary: the consent texts, the consent page and every Spanish document use
its terms (where the English says "referral", the Spanish says "remisión"), and no avoided word."""

from __future__ import annotations

import pytest

from portal.consent import glossary
from portal.consent.texts import default_texts
from portal.receipts.documents import wording
from portal.referrals.forms import CONSENT_PAGE

TEXTS = default_texts()
# Signed texts cannot change (their sha256 is recorded): a difference from the glossary in one
# is listed here, to be fixed in its next version, and must stay the only one.
KNOWN = {("arrest_diversion-2026.1-es", "who_discloses"): ["charges"]}  # "la fiscalía que lleva su caso"


def _pairs_of_texts():
    for spanish in (t for t in TEXTS if t.language == "es"):
        english = next(t for t in TEXTS if (t.route, t.version, t.language)
                       == (spanish.route, spanish.version, "en"))
        for ours, theirs in zip(english.sections, spanish.sections, strict=True):
            yield (spanish.id, theirs.element, f"{ours.heading}\n{ours.body}",
                   f"{theirs.heading}\n{theirs.body}")


def _flat(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", " ".join(value) if isinstance(value, list) else value


def test_the_glossary_has_the_programs_terms():
    terms = {t.en: t.es for t in glossary.glossary()}
    for english in ("program", "referral", "consent", "coordinator", "intake", "arrest diversion",
                    "social contact", "charges", "case manager", "revoke", "42 CFR part 2"):
        assert terms.get(english), english
    assert glossary.term("referral") == "remisión"


def test_the_check_finds_a_wrong_or_missing_term():
    assert glossary.problems("Your referral receipt", "Su recibo de derivación")
    assert glossary.problems("The intake deadline", "La fecha límite")
    assert not glossary.problems("Your referral receipt", "Su comprobante de remisión")
    assert not glossary.problems("A case manager from {program}", "Un administrador de casos de {program}")


@pytest.mark.parametrize("text_id, element, english, spanish", list(_pairs_of_texts()))
def test_the_spanish_consent_texts_use_the_glossary(text_id, element, english, spanish):
    known = [f"{term!r} is" for term in KNOWN.get((text_id, element), [])]
    found = glossary.problems(english, spanish)
    assert [p for p in found if not any(p.startswith(k) for k in known)] == [], text_id
    assert len(found) == len(known), (text_id, element, "a known difference was fixed: drop it")


def test_the_spanish_titles_avoid_other_words():
    for text in (t for t in TEXTS if t.language == "es"):
        assert glossary.problems("", f"{text.title} {text.revocable_from} {text.expires}") == []


def test_every_spanish_document_word_uses_the_glossary():
    english, spanish = dict(_flat(wording()["en"])), dict(_flat(wording()["es"]))
    for key, words in spanish.items():
        assert glossary.problems(english.get(key, ""), words) == [], key


def test_the_spanish_consent_page_uses_the_glossary():
    for key, words in CONSENT_PAGE["es"].items():
        assert glossary.problems(CONSENT_PAGE["en"][key], words) == [], key

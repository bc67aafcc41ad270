"""The consent texts a referred person reads and signs: the one place to import them from.

The texts are data (texts.toml beside this file): one per referral route and language, in English
and Spanish pairs, versioned. The work is split by concern:

- texts_model.py: what a text holds, its sha256, and render() filling in its placeholders;
- texts_loading.py: reading and checking the file strictly, every problem named;
- signatures.py: whether a typed signature is the person's name.

    text = default_texts().current("arrest_diversion", "es")
    sections = text.render(person_name=..., referring_organisation=..., program_name="LEAD",
                           intake_deadline_days=30)

Standard library only.
"""

from __future__ import annotations

from portal.consent.signatures import signature_matches
from portal.consent.texts_loading import DEFAULT_TEXTS_NAME, default_texts, load_texts, parse_texts
from portal.consent.texts_model import (
    AFTER_EVENT, ANYTIME, ELEMENTS, LANGUAGES, LIST, PARAGRAPH, PLACEHOLDERS, ROUTE_REVOCABLE, Block,
    ConsentLibrary, ConsentRenderError, ConsentText, ConsentTextError, RenderedSection, Section,
)

__all__ = [
    "AFTER_EVENT", "ANYTIME", "DEFAULT_TEXTS_NAME", "ELEMENTS", "LANGUAGES", "LIST", "PARAGRAPH",
    "PLACEHOLDERS", "ROUTE_REVOCABLE", "Block", "ConsentLibrary", "ConsentRenderError",
    "ConsentText", "ConsentTextError", "RenderedSection", "Section", "default_texts", "load_texts",
    "parse_texts", "signature_matches",
]

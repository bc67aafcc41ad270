"""Consent texts: every required element in both languages, strict loading, rendering, signatures."""

import hashlib
import importlib.resources
import re

import pytest

from portal.consent.texts import (
    AFTER_EVENT,
    ANYTIME,
    ELEMENTS,
    LANGUAGES,
    LIST,
    PARAGRAPH,
    PLACEHOLDERS,
    ConsentRenderError,
    ConsentText,
    ConsentTextError,
    Section,
    default_texts,
    load_texts,
    signature_matches,
)

DEFAULT_BYTES = importlib.resources.files("portal.consent").joinpath("texts.toml").read_bytes()
DEFAULT_TEXT = DEFAULT_BYTES.decode("utf-8")
TEXTS = list(default_texts())
SPANISH = [t for t in TEXTS if t.language == "es"]
ARREST = [t for t in TEXTS if t.route == "arrest_diversion"]
VALUES = {
    "person_name": "José O'Neil", "referring_organisation": "Northside Police Department",
    "program_name": "LEAD", "intake_deadline_days": 30,
}


def ids(text: ConsentText) -> str:
    return text.id


def body(text: ConsentText, element: str) -> str:
    """A section's body as one line (the file wraps lines), for searching."""
    return " ".join(text.section(element).body.split())


def full_text(text: ConsentText) -> str:
    parts = [text.title] + [part for s in text.sections for part in (s.heading, s.body)]
    return " ".join(" ".join(parts).split())


def problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "texts.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConsentTextError) as caught:
        load_texts(path)
    assert caught.value.errors
    assert caught.value.source == str(path)
    return caught.value.errors


def edited(old: str, new: str, text: str = DEFAULT_TEXT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def blocks_of(text: str) -> list[str]:
    """The file cut at each [[texts]]: the header, then one chunk per text in file order."""
    return text.split("\n[[texts]]\n")


def join(chunks: list[str]) -> str:
    return "\n[[texts]]\n".join(chunks)


def without_section(text: str, index: int, element: str) -> str:
    chunks = blocks_of(text)
    pattern = re.compile(r'\[\[texts\.sections\]\]\nelement = "' + element + r'"\n.*?(?=\[\[texts\.sections\]\]|\Z)', re.DOTALL)
    chunks[index + 1], count = pattern.subn("", chunks[index + 1])
    assert count == 1
    return join(chunks)


# --- the packaged texts ----------------------------------------------------------------------


def test_the_packaged_texts_load():
    library = load_texts()
    assert [t.id for t in library] == [
        "arrest_diversion-2026.1-en", "arrest_diversion-2026.1-es",
        "social_contact-2026.1-en", "social_contact-2026.1-es",
    ]
    assert library.sha256 == hashlib.sha256(DEFAULT_BYTES).hexdigest()
    assert LANGUAGES == {"en": "English", "es": "Español"}
    assert default_texts() is default_texts()


def test_current_and_get():
    library = default_texts()
    for route in ("arrest_diversion", "social_contact"):
        for language in LANGUAGES:
            text = library.current(route, language)
            assert (text.route, text.language, text.version) == (route, language, "2026.1")
            assert library.get(text.id) is text
    assert library.get("arrest_diversion-1999.1-en") is None
    with pytest.raises(LookupError, match="no consent text for route 'nope'"):
        library.current("nope", "en")
    with pytest.raises(LookupError):
        library.current("social_contact", "fr")


def test_current_is_the_highest_version_and_old_versions_stay(tmp_path):
    newer = join(blocks_of(DEFAULT_TEXT) + [
        chunk.replace("2026.1", "2026.10") for chunk in blocks_of(DEFAULT_TEXT)[3:5]
    ])
    path = tmp_path / "texts.toml"
    path.write_text(newer, encoding="utf-8")
    library = load_texts(path)
    assert library.current("social_contact", "es").id == "social_contact-2026.10-es"
    assert library.current("arrest_diversion", "es").id == "arrest_diversion-2026.1-es"
    assert library.get("social_contact-2026.1-es") is not None


@pytest.mark.parametrize("text", TEXTS, ids=ids)
def test_every_element_once_and_in_order(text):
    assert tuple(s.element for s in text.sections) == ELEMENTS
    assert all(s.heading.strip() and s.body.strip() for s in text.sections)


def test_texts_come_in_pairs_with_the_same_placeholders():
    library = default_texts()
    for english in (t for t in TEXTS if t.language == "en"):
        spanish = library.get(english.id.removesuffix("-en") + "-es")
        assert spanish is not None
        assert (spanish.route, spanish.version, spanish.revocable) == (english.route, english.version, english.revocable)
        assert [s.placeholders for s in spanish.sections] == [s.placeholders for s in english.sections]


@pytest.mark.parametrize("text", SPANISH, ids=ids)
def test_spanish_texts_are_spanish(text):
    words = f" {full_text(text).casefold()} "
    for word in (" el ", " la ", " de ", " usted", " que ", " su "):
        assert word in words, word
    for word in (" the ", " you ", " your ", " may ", " and "):
        assert word not in words, word
    english = default_texts().get(text.id.removesuffix("-es") + "-en")
    sentences = {s.strip() for s in re.split(r"[.:]", full_text(english)) if len(s.strip()) > 12}
    assert sentences and not [s for s in sentences if s in full_text(text)]


@pytest.mark.parametrize("text", ARREST, ids=ids)
def test_arrest_diversion_says_when_it_becomes_revocable(text):
    assert text.revocable == AFTER_EVENT
    assert text.revocable_from and text.revocable_from.strip()
    revocation = body(text, "revocation")
    assert text.revocable_from.casefold() in revocation.casefold()
    assert "{intake_deadline_days}" in revocation


@pytest.mark.parametrize("text", [t for t in TEXTS if t.route == "social_contact"], ids=ids)
def test_social_contact_is_revocable_at_any_time(text):
    assert (text.revocable, text.revocable_from) == (ANYTIME, None)
    assert {"en": "at any time", "es": "cuando quiera"}[text.language] in body(text, "revocation")


@pytest.mark.parametrize("text", TEXTS, ids=ids)
def test_each_text_names_every_recipient(text):
    to_whom = body(text, "to_whom")
    prosecutor, case_management = {
        "en": ("prosecutor's office", "case management"),
        "es": ("fiscalía", "administración de casos"),
    }[text.language]
    assert prosecutor in to_whom.casefold()
    assert case_management in to_whom
    assert "{referring_organisation}" in to_whom
    assert "{program_name}" in to_whom
    rendered = {s.element: s.body for s in text.render(**VALUES)}
    assert {"en": "The LEAD program", "es": "El programa LEAD"}[text.language] in rendered["to_whom"]
    assert "Northside Police Department" in rendered["who_discloses"]


@pytest.mark.parametrize("text", TEXTS, ids=ids)
def test_each_text_carries_the_required_statements(text):
    en = text.language == "en"
    assert "{person_name}" in body(text, "person")
    revocation = body(text, "revocation")
    assert ("in writing" if en else "por escrito") in revocation
    assert ("already happened cannot be undone" if en else "ya se compartió no se puede deshacer") in revocation
    assert text.expires in body(text, "expiry")
    assert ("42 CFR Part 2" if en else "42 CFR Parte 2") in body(text, "redisclosure")
    assert ("may not share it again" if en else "no pueden volver a compartirla") in body(text, "redisclosure")
    signature = body(text, "signature")
    assert signature.startswith("By typing your name" if en else "Al escribir su nombre")
    assert ("you agree" if en else "usted acepta") in signature
    assert ("You do not have to sign" if en else "No tiene que firmar") in signature


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", TEXTS, ids=ids)
def test_render_fills_every_placeholder(text):
    rendered = text.render(**VALUES)
    assert [s.element for s in rendered] == list(ELEMENTS)
    assert [s.heading for s in rendered] == [s.heading for s in text.sections]
    everything = "\n".join(s.body for s in rendered)
    assert "{" not in everything and "}" not in everything
    assert "José O'Neil" in everything
    if "intake_deadline_days" in text.placeholders:
        assert "30" in everything


def test_rendered_sections_are_paragraphs_and_lists():
    text = default_texts().current("arrest_diversion", "es")
    sections = {s.element: s for s in text.render(**VALUES)}
    what = sections["what_information"].blocks
    assert [b.kind for b in what] == [LIST]
    # a list item wrapped onto an indented line in the file is one item
    assert "Las necesidades que notó el agente, como la salud, la salud mental o el consumo de alcohol o drogas" in what[0].lines
    person = sections["person"]
    assert [b.kind for b in person.blocks] == [PARAGRAPH, PARAGRAPH]
    assert person.blocks[0].lines == ("Este formulario es sobre usted, José O'Neil.",)
    assert all("\n" not in line for b in person.blocks for line in b.lines)
    assert sections["who_discloses"].body.splitlines()[2:] == [
        "- El programa LEAD y sus administradores de casos",
        "- Northside Police Department, la agencia que hace la remisión",
        "- La fiscalía que lleva su caso",
    ]


def test_render_values_are_plain_text_on_one_line():
    text = default_texts().current("social_contact", "en")
    values = dict(VALUES, person_name="  Ana\n\n- María  ", referring_organisation="<b>Shelter</b> {x}")
    rendered = {s.element: s for s in text.render(**values)}
    assert rendered["person"].blocks[0].lines == ("This form is about you, Ana - María.",)
    assert "<b>Shelter</b> {x}, the organization that is referring you" in rendered["who_discloses"].blocks[1].lines


def test_render_reports_every_bad_value():
    text = default_texts().current("arrest_diversion", "en")
    with pytest.raises(ConsentRenderError) as caught:
        text.render(person_name="  ", program_name=True, intake_deadline_days=None, persons_name="x")
    assert caught.value.errors == [
        "'persons_name' is not a placeholder",
        "the value for {intake_deadline_days} must be text or a whole number, not NoneType",
        "the value for {person_name} must not be empty",
        "the value for {program_name} must be text or a whole number, not bool",
        "a value for {referring_organisation} is required",
    ]
    assert str(caught.value).startswith("consent text arrest_diversion-2026.1-en: ")


def test_a_placeholder_the_text_does_not_use_is_ignored():
    text = default_texts().current("social_contact", "en")
    assert "intake_deadline_days" not in text.placeholders
    assert text.render(**dict(VALUES, intake_deadline_days=None))


# --- the sha256 ------------------------------------------------------------------------------


def test_sha256_fingerprints_the_content(tmp_path):
    text = default_texts().current("arrest_diversion", "en")
    assert text.sha256 == hashlib.sha256(text.canonical()).hexdigest()
    assert load_texts().get(text.id).sha256 == text.sha256
    assert len({t.sha256 for t in TEXTS}) == len(TEXTS)

    path = tmp_path / "texts.toml"
    path.write_text(edited("the agency that is referring you\n", "the agency referring you\n"), encoding="utf-8")
    assert load_texts(path).get(text.id).sha256 != text.sha256
    # how the file wraps its lines, trailing spaces and Windows line endings are not content
    rewrapped = edited("It asks for your permission to share information about you. This is needed so that you can\nbe",
                       "It asks for your permission   \n to share information about you.  \nThis is needed so that you can be\n")
    path.write_text(rewrapped.replace("\n", "\r\n"), encoding="utf-8")
    reloaded = load_texts(path).get(text.id)
    assert reloaded.section("person").body != text.section("person").body
    assert reloaded.sha256 == text.sha256

    sections = list(text.sections)
    sections[4] = Section("purpose", sections[4].heading, sections[4].body + " More.")
    changed = ConsentText(**{
        name: getattr(text, name)
        for name in ("id", "route", "version", "language", "title", "revocable", "revocable_from", "expires",
                     "expires_after_months")
    }, sections=tuple(sections))
    assert changed.sha256 != text.sha256


# --- strict loading --------------------------------------------------------------------------


def test_unknown_key(tmp_path):
    broken = edited('language = "en"\n', 'language = "en"\nlanguag = "en"\n')
    broken = edited('element = "purpose"\n', 'element = "purpose"\nnote = "x"\n', broken)
    assert problems(tmp_path, broken) == [
        "texts[0]: unknown key 'languag'",
        "texts[0].sections[4]: unknown key 'note'",
    ]


def test_missing_keys(tmp_path):
    broken = edited('title = "Consent to share information for a LEAD referral"\n', "")
    broken = edited('heading = "Why it is shared"\n', "", broken)
    assert problems(tmp_path, broken) == [
        "texts[0].sections[4]: 'heading' is required",
        "texts[2]: 'title' is required",
    ]


def test_missing_element(tmp_path):
    assert problems(tmp_path, without_section(DEFAULT_TEXT, 1, "redisclosure")) == [
        "texts[1].sections: the 'redisclosure' section is missing",
    ]


def test_duplicated_and_out_of_order_elements(tmp_path):
    broken = edited('element = "expiry"', 'element = "purpose"')
    swapped = blocks_of(DEFAULT_TEXT)
    swapped[3] = swapped[3].replace('element = "person"', 'element = "TMP"').replace(
        'element = "signature"', 'element = "person"').replace('element = "TMP"', 'element = "signature"')
    assert problems(tmp_path, broken) == [
        "texts[0].sections: the 'purpose' section appears 2 times; it must appear once",
        "texts[0].sections: the 'expiry' section is missing",
    ]
    assert problems(tmp_path, join(swapped)) == [
        "texts[2].sections: the sections must be in this order: " + ", ".join(ELEMENTS),
    ]


def test_unknown_element(tmp_path):
    assert problems(tmp_path, edited('element = "expiry"', 'element = "expiration"')) == [
        "texts[0].sections[6].element: must be one of " + ", ".join(map(repr, ELEMENTS)) + ", not 'expiration'",
        "texts[0].sections: the 'expiry' section is missing",
    ]


def test_duplicate_id(tmp_path):
    chunks = blocks_of(DEFAULT_TEXT)
    assert problems(tmp_path, join(chunks + [chunks[3]])) == [
        "texts[4].id: duplicate id 'social_contact-2026.1-en' (first used at texts[2])",
    ]


def test_id_must_name_route_version_and_language(tmp_path):
    assert problems(tmp_path, edited('id = "social_contact-2026.1-es"', 'id = "social_contact-es"')) == [
        "texts[3].id: must be social_contact-2026.1-es (route-version-language), not 'social_contact-es'",
    ]


def test_unknown_placeholder(tmp_path):
    broken = edited("This form is about you, {person_name}.", "This form is about you, {name}.")
    broken = edited("{intake_deadline_days} days after the day you sign. If", "{intake_deadline_days:>3} days after the day you sign. If", broken)
    broken = edited("Este formulario es sobre usted, {person_name}.", "Este formulario es sobre usted, {person_name.", broken)
    errors = problems(tmp_path, broken)
    assert errors[0] == (
        "texts[0].sections[0].body: unknown placeholder {name}: use one of "
        "{intake_deadline_days}, {person_name}, {program_name}, {referring_organisation}"
    )
    assert errors[1] == "texts[0].sections[4].body: placeholder {intake_deadline_days} must be written plainly, without ! or :"
    assert errors[2].startswith("texts[1].sections[0].body: unexpected '{' in field name: a placeholder is written")
    assert len(errors) == 3


def test_placeholders_must_match_between_languages(tmp_path):
    broken = edited("Puede pedir una\ncopia de este formulario.", "Puede pedir una\ncopia de este formulario a {program_name}.")
    assert problems(tmp_path, broken) == [
        ("texts[1].sections[8]: the signature section uses {program_name} but the 'en' text (texts[0]) uses "
         "no placeholders: both languages need the same"),
    ]


def test_placeholders_only_in_bodies(tmp_path):
    broken = edited('heading = "Signing"', 'heading = "Signing, {person_name}"')
    assert problems(tmp_path, broken) == [
        "texts[0].sections[8].heading: takes no placeholders or braces (placeholders belong in section bodies)",
    ]


def test_missing_spanish_twin(tmp_path):
    chunks = blocks_of(DEFAULT_TEXT)
    assert problems(tmp_path, join(chunks[:4])) == [
        ("texts[2]: there is no Español ('es') text for route 'social_contact' version '2026.1'; "
         "every version needs one in each language"),
    ]
    assert problems(tmp_path, join(chunks[:1] + chunks[2:])) == [
        ("texts[0]: there is no English ('en') text for route 'arrest_diversion' version '2026.1'; "
         "every version needs one in each language"),
    ]


def test_a_route_without_texts(tmp_path):
    assert problems(tmp_path, join(blocks_of(DEFAULT_TEXT)[:3])) == [
        "texts: there is no consent text for route 'social_contact'",
    ]


def test_revocable_must_fit_the_route(tmp_path):
    social = edited('revocable = "anytime"', 'revocable = "after_event"')
    assert problems(tmp_path, social) == [
        "texts[2].revocable: consent for route 'social_contact' must be 'anytime', not 'after_event'",
        "texts[2]: 'revocable_from' is required when revocable is 'after_event': say when it can be revoked",
    ]
    arrest = edited('revocable_from = "the end of the intake period"\n', "")
    assert problems(tmp_path, arrest) == [
        "texts[0]: 'revocable_from' is required when revocable is 'after_event': say when it can be revoked",
    ]
    extra = edited('revocable = "anytime"\n', 'revocable = "anytime"\nrevocable_from = "now"\n')
    assert problems(tmp_path, extra) == ["texts[2].revocable_from: only for revocable = 'after_event'; remove it"]
    anytime = edited('revocable = "after_event"\nrevocable_from = "the end of the intake period"\n', 'revocable = "anytime"\n')
    assert problems(tmp_path, anytime) == [
        "texts[0].revocable: consent for route 'arrest_diversion' must be 'after_event', not 'anytime'",
    ]


def test_the_text_must_state_the_revocable_point_and_the_expiry(tmp_path):
    broken = edited('revocable_from = "the end of the intake period"', 'revocable_from = "final disposition of the charges"')
    broken = edited('expires = "un año después de la fecha en que lo firma"', 'expires = "dos años"', broken)
    assert problems(tmp_path, broken) == [
        ("texts[0].sections[5].body: the revocation section must say when, in the revocable_from words: "
         "'final disposition of the charges'"),
        "texts[1].sections[6].body: the expiry section must say when, in the expires words: 'dos años'",
    ]


# The expiry words of the shipped texts, and the number of months each one means.
EXPIRY_WORDS_IN_MONTHS = {"one year after the day you sign it": 12,
                          "un año después de la fecha en que lo firma": 12}


@pytest.mark.parametrize("text", TEXTS, ids=ids)
def test_the_expiry_term_as_a_number_agrees_with_the_words(text):
    assert text.expires_after_months == EXPIRY_WORDS_IN_MONTHS[text.expires]


def test_the_expiry_term_is_required_as_a_whole_number_of_months(tmp_path):
    term = "expires_after_months = 12\n"
    missing = DEFAULT_TEXT.replace(term, "", 1)
    assert problems(tmp_path, missing) == ["texts[0]: 'expires_after_months' is required"]
    for bad, problem in (("12.5", "must be a whole number of months, not a decimal number"),
                         ('"12"', "must be a whole number of months, not text"),
                         ("true", "must be a whole number of months, not true/false"),
                         ("0", "must be between 1 and 120 months, not 0"),
                         ("121", "must be between 1 and 120 months, not 121")):
        broken = DEFAULT_TEXT.replace(term, f"expires_after_months = {bad}\n", 1)
        assert problems(tmp_path, broken) == [f"texts[0].expires_after_months: {problem}"], bad


def test_lists_and_paragraphs_are_not_mixed(tmp_path):
    broken = edited("These people may share information about you:\n\n", "These people may share information about you:\n")
    broken = edited("- Where you stay, and your housing situation\n", "Where you stay, and your housing situation\n", broken)
    assert problems(tmp_path, broken) == [
        ("texts[0].sections[1].body: paragraph 1: put a blank line between text and a list: "
         "'- The {program_name} program and its case managers'"),
        ("texts[0].sections[2].body: paragraph 1: in a list, every line starts with '- ', or is indented to "
         "continue the item above: 'Where you stay, and your housing situation'"),
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    broken = edited('language = "en"\n', 'language = "en"\nlanguag = "en"\n')
    broken = edited("This form is about you, {person_name}.", "This form is about you, {name}.", broken)
    broken = without_section(broken, 1, "expiry")
    broken = edited('version = "2026.1"\nlanguage = "es"\ntitle = "Consentimiento para compartir información: remisión al',
                    'version = "2026.2"\nlanguage = "es"\ntitle = "Consentimiento para compartir información: remisión al', broken)
    errors = problems(tmp_path, broken)
    assert "texts[0]: unknown key 'languag'" in errors
    assert any(e.startswith("texts[0].sections[0].body: unknown placeholder {name}") for e in errors)
    assert "texts[1].sections: the 'expiry' section is missing" in errors
    assert "texts[3].id: must be social_contact-2026.2-es (route-version-language), not 'social_contact-2026.1-es'" in errors
    assert any(e.startswith("texts[2]: there is no Español ('es') text for route 'social_contact' version '2026.1'") for e in errors)
    assert any(e.startswith("texts[3]: there is no English ('en') text for route 'social_contact' version '2026.2'") for e in errors)


@pytest.mark.parametrize(("content", "expected"), [
    ("texts = [", "not valid TOML: "),
    ("", "'texts' is required"),
    ("texts = []", "texts: must have at least one entry"),
    ("texts = 3", "texts: must be an array of tables ([[texts]]), not a whole number"),
    ('[[texts]]\nid = "x"\nversion = "v1"', "texts[0].version: 'v1' is not a version: use numbers and dots, like 2026.1"),
])
def test_malformed_files(tmp_path, content, expected):
    assert any(e.startswith(expected) for e in problems(tmp_path, content))


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(ConsentTextError, match="cannot read the file"):
        load_texts(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes("title = 'Español'".encode("latin-1"))
    with pytest.raises(ConsentTextError, match="not UTF-8"):
        load_texts(path)


def test_placeholders_are_the_documented_four():
    assert PLACEHOLDERS == {"person_name", "referring_organisation", "program_name", "intake_deadline_days"}
    assert set().union(*(t.placeholders for t in TEXTS)) == PLACEHOLDERS


# --- signatures ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "legal_name", "matches"), [
    ("José O'Neil", "José O'Neil", True),
    ("José  O’Neil", "jose o'neil", True),            # curly apostrophe, double space, case, accent
    ("  JOSE O'NEIL  ", "José O'Neil", True),         # leading and trailing spaces, capitals
    ("Jose ONeil", "José O'Neil", True),              # a dropped apostrophe is the same name
    ("Jose O‘Neil", "José O'Neil", True),             # left single quote
    ("jose oʼneil", "José O’Neil", True),             # modifier-letter apostrophe
    ("Maria Garcia Lopez", "María García-López", True),   # hyphen as a space
    ("María García–López", "María García-López", True),   # en dash for a hyphen
    ("Muñoz", "Munoz", True),
    ("Zoë Brontë", "zoe bronte", True),
    ("Robert Smith Jr", "Robert Smith Jr.", True),
    ("Ｊｏｓé Ｏ'Ｎｅｉｌ", "José O'Neil", True),          # full-width letters from some keyboards
    ("John Smith", "Jon Smith", False),               # a different name
    ("José", "José O'Neil", False),                   # partial name
    ("O'Neil José", "José O'Neil", False),            # different order
    ("José O Neil", "José O'Neil", False),            # a space is not an apostrophe
    ("MariaGarcia Lopez", "María García-López", False),
    ("José O'Neil Smith", "José O'Neil", False),      # an extra name
    ("J. O'Neil", "José O'Neil", False),              # an initial
    ("", "José O'Neil", False),
    ("   ", "José O'Neil", False),
    ("'-'", "'-'", False),                            # punctuation only
    ("", "", False),
])
def test_signature_matches(typed, legal_name, matches):
    assert signature_matches(typed, legal_name) is matches
    assert signature_matches(legal_name, typed) is matches

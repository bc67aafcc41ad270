"""US English in everything a person reads (issue 14): templates, the user-facing TOML files and
the strings in portal/'s code. Identifiers keep their old spelling (``organisation_id``, the
``organisations`` table, the ``{referring_organisation}`` placeholder, URL paths, audit event
names): only words a person reads are checked. "Cancelling" is left off the list: US
dictionaries give it beside "canceling", and the signed consent texts that use it change only by
a new version.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BRITISH = re.compile(
    r"\b(organis(?:e|ed|es|ing|ation|ations)|offences?|behaviours?|behavioural|misdemeanours?|"
    r"licences?|colours?|programmes?|centres?|neighbour(?:s|hood|hoods)?|catalogue|judgement|"
    r"defence|enrol|enrols|enrolment|favour|honour|labour|recognis(?:e|ed)|"
    r"apologis(?:e|ed)|analys(?:e|ed)|travell(?:ed|ing)|grey|cheque)\b", re.IGNORECASE)
USER_FACING_TOML = ("portal/receipts/wording.toml", "portal/consent/texts.toml",
                    "portal/eligibility/default_ruleset.toml")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def british(text: str) -> list[str]:
    return BRITISH.findall(PLACEHOLDER.sub("", text))


def _template_text(source: str) -> str:
    """The page's words: the markup outside Jinja tags, and the sentences and capitalized
    labels quoted inside them (``back(url, 'All organizations')``), not names and endpoints."""
    said = [literal for match in JINJA.finditer(source) for pair in QUOTED.findall(match.group())
            for literal in pair if literal and (" " in literal or literal[:1].isupper())]
    return JINJA.sub(" ", source) + "\n" + "\n".join(said)


def _toml_values(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _toml_values(item)]
    if isinstance(value, list):
        return [text for item in value for text in _toml_values(item)]
    return [value] if isinstance(value, str) else []


def _python_strings(path: Path) -> list[str]:
    """String constants that read as words (a space in them), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and " " in node.value]


def test_the_word_list_catches_british_spelling_and_spares_identifiers():
    assert british("Partner organisations and their offences") == ["organisations", "offences"]
    assert british("behavioural health, a misdemeanour, behaviour") == [
        "behavioural", "misdemeanour", "behaviour"]
    assert british("{referring_organisation} organisation_id organization offense behavioral") == []
    assert british(_template_text("{{ back(url_for('admin.organisations'), 'All organisations') }}"
                                  "{{ organisation.name }}")) == ["organisations"]


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.*")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_use_us_spelling(path):
    assert british(_template_text(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("name", USER_FACING_TOML)
def test_user_facing_toml_uses_us_spelling(name):
    values = _toml_values(tomllib.loads((ROOT / name).read_text(encoding="utf-8")))
    assert values, f"{name} has no text"
    assert [word for text in values for word in british(text)] == []


def test_the_code_says_its_words_in_us_spelling():
    found = {str(path.relative_to(ROOT)): words for path in sorted((ROOT / "portal").rglob("*.py"))
             if (words := [w for text in _python_strings(path) for w in british(text)])}
    assert found == {}

"""The shape of the house, checked: what the README's Design section promises stays true."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
MODULES = sorted(PORTAL.rglob("*.py"))
ANSWERS_MODULE = PORTAL / "referrals" / "answers.py"
# answers["person"], answers.get("person"), referral.answers["..."], version.answers.get(...)
KEY_READ = re.compile(r"\banswers\s*(\[|\.get\()")
LONGEST_MODULE, LONGEST_VIEW = 400, 25


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_only_the_answers_module_reads_the_answers_by_key():
    reads = [f"{path.relative_to(PORTAL)}:{number}: {line.strip()}"
             for path in MODULES if path != ANSWERS_MODULE
             for number, line in enumerate(_source(path).splitlines(), 1)
             if KEY_READ.search(line)]
    assert reads == []


def test_the_key_read_pattern_catches_what_it_is_for():
    for line in ('person = referral.answers["person"]', 'answers.get("consent", {})',
                 "stored = version.answers .get(slug)"):
        assert KEY_READ.search(line), line
    assert not KEY_READ.search("answers = of(referral)")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_no_module_is_longer_than_400_lines(path):
    assert _source(path).count("\n") <= LONGEST_MODULE


def _views(path: Path):
    for node in ast.walk(ast.parse(_source(path))):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "route"
                for d in node.decorator_list):
            yield node


def test_no_view_is_longer_than_25_lines():
    long_views = [f"{path.relative_to(PORTAL)}: {view.name} ({view.end_lineno - view.lineno + 1})"
                  for path in MODULES for view in _views(path)
                  if view.end_lineno - view.lineno + 1 > LONGEST_VIEW]
    assert long_views == []


def test_the_view_finder_finds_the_views():
    names = {view.name for view in _views(PORTAL / "referrals" / "routes.py")}
    assert {"step", "check", "show", "withdraw"} <= names

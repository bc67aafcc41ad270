"""portal.eligibility is pure: standard library only, so a CLI, a job or another program can use it."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import portal.eligibility
import portal.screening_commands

PACKAGE_DIR = Path(portal.eligibility.__file__).parent
PORTAL_DIR = PACKAGE_DIR.parent
FORBIDDEN = {"flask", "sqlalchemy", "click", "werkzeug", "jinja2", "flask_wtf", "alembic"}
# The one module outside the package it may use: the strict TOML reader it shares with
# portal.consent. It is held to the same rule (standard library only) below.
SHARED = "portal.tomlcheck"
SHARED_FILE = PORTAL_DIR / "tomlcheck.py"


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, relative level) for every import statement in a file, however deeply nested."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_every_import_in_the_package_is_stdlib_or_the_package_itself():
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) >= 4
    for path in files:
        for module, level in imported_modules(path):
            allowed = (
                level > 0
                or module.split(".")[0] in sys.stdlib_module_names
                or module == "portal.eligibility" or module.startswith("portal.eligibility.")
                or module == SHARED
            )
            assert allowed, f"{path.name} imports {module}"


def test_the_shared_toml_reader_imports_the_stdlib_only():
    imports = imported_modules(SHARED_FILE)
    assert imports, "the walk found no imports at all"
    for module, level in imports:
        assert level == 0 and module.split(".")[0] in sys.stdlib_module_names, module


def test_the_commands_import_only_click_the_stdlib_and_the_package():
    path = Path(portal.screening_commands.__file__)
    for module, level in imported_modules(path):
        top = module.split(".")[0]
        assert level == 0 and (top in sys.stdlib_module_names or top == "click"
                               or module == "portal.eligibility"), module


def test_importing_the_package_loads_no_web_or_database_library():
    # A fresh interpreter in isolated mode. The parent `portal` package is stood in for by a bare
    # module, because portal/__init__.py is the Flask app factory: this checks what the
    # eligibility package itself pulls in, which is what "pure" promises.
    code = textwrap.dedent(f"""
        import sys, types
        parent = types.ModuleType("portal")
        parent.__path__ = [{str(PORTAL_DIR)!r}]
        sys.modules["portal"] = parent
        import portal.eligibility as e
        ruleset = e.default_ruleset()
        facts = e.parse_facts({{
            "route": "social_contact", "referrer_org_kind": "community_partner",
            "contact_date": "2025-03-01", "person": {{"date_of_birth": "1990-01-01"}},
            "treatment_court_case": "none", "protective_order_with_participant": "no",
            "consent_given": True}}, ruleset)
        e.screen(facts, ruleset)
        print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {sorted(FORBIDDEN)!r})))
    """)
    completed = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""


def test_the_ruleset_file_ships_inside_the_package():
    assert (PACKAGE_DIR / "default_ruleset.toml").is_file()

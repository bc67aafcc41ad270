"""No arrow runs back up between the portal's packages.

Every import in portal/ (read with ast, also those inside functions) is an arrow from one unit to
another: a unit is a package (portal/referrals/) or a top-level module (portal/db.py). Each unit
sits in one layer below; a unit may import units of its own layer or of the layers under it,
never one above, and no two units may import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import portal

PORTAL_DIR = Path(portal.__file__).parent

# Bottom first. `portal` is the app factory (portal/__init__.py), which wires everything;
# `errors` (portal/errors.py, the one Refused) imports nothing, so every layer may raise it.
LAYERS = (
    ("eligibility", "tomlcheck", "errors", "events"),
    ("web", "db", "config"),
    ("accounts", "audit", "notifications"),
    ("consent", "referrals", "public"),
    ("review", "receipts", "reports", "audit_log", "notices", "casework", "prosecutor", "home"),
    ("api", "admin", "demo", "cli", "screening_commands", "models", "portal"),
)
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def unit_of_file(path: Path) -> str:
    relative = path.relative_to(PORTAL_DIR)
    if relative == Path("__init__.py"):
        return "portal"
    return relative.parts[0].removesuffix(".py")


def unit_of_module(module: str) -> str | None:
    """The unit a dotted name lands in; None for anything outside portal."""
    parts = module.split(".")
    if parts[0] != "portal":
        return None
    if len(parts) == 1:
        return "portal"
    if (PORTAL_DIR / parts[1]).is_dir() or (PORTAL_DIR / f"{parts[1]}.py").is_file():
        return parts[1]
    return "portal"  # a name defined in portal/__init__.py, e.g. `from portal import create_app`


def _package_of(path: Path) -> str:
    relative = path.relative_to(PORTAL_DIR.parent).with_suffix("")
    return ".".join(relative.parts[:-1])  # a module's package; __init__'s is its own


def imported_names(path: Path) -> list[str]:
    """Every module an import statement in the file reaches, relative imports resolved.
    `from portal import db` reaches portal.db: each imported name is counted, not its parent."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(path).split(".")
                package = package[:len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def arrows() -> dict[tuple[str, str], list[str]]:
    """(from unit, to unit) -> the files that make that arrow."""
    found = defaultdict(list)
    for path in sorted(PORTAL_DIR.rglob("*.py")):
        source = unit_of_file(path)
        for name in imported_names(path):
            target = unit_of_module(name)
            if target is not None and target != source:
                where = str(path.relative_to(PORTAL_DIR.parent))
                if where not in found[source, target]:
                    found[source, target].append(where)
    return found


def cycles(edges) -> list[list[str]]:
    """Every loop among the units (Tarjan's strongly connected components of size > 1)."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def test_every_unit_has_a_layer():
    units = {unit_of_file(path) for path in PORTAL_DIR.rglob("*.py")}
    assert units - set(LAYER_OF) == set(), "add the new package to LAYERS in tests/test_layers.py"
    assert {"eligibility", "referrals", "web", "portal"} <= units  # the walk found the code


def upward(found) -> list[str]:
    """Each arrow from a unit to one in a higher layer, with the files that make it."""
    return [f"{source} (layer {LAYER_OF[source]}) imports {target} (layer {LAYER_OF[target]}) "
            f"in {', '.join(files)}"
            for (source, target), files in sorted(found.items())
            if LAYER_OF.get(target, -1) > LAYER_OF.get(source, -1)]


def test_no_package_imports_one_above_it():
    assert upward(arrows()) == []


def test_no_import_cycle_between_packages():
    found = arrows()
    loops = cycles(found)
    detail = [f"{source} -> {target} in {', '.join(found[source, target])}"
              for loop in loops for source in loop for target in loop if (source, target) in found]
    assert loops == [], "\n".join(detail)


def test_the_checks_see_an_upward_arrow_and_a_cycle():
    # The checks themselves: a known upward import and a known loop are found.
    assert cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}) == [["a", "b", "c"]]
    assert upward({("web", "accounts"): ["portal/web/x.py"], ("review", "web"): []}) == [
        "web (layer 1) imports accounts (layer 2) in portal/web/x.py"]
    assert unit_of_module("portal.referrals.models") == "referrals"
    assert unit_of_module("portal.db") == "db"
    assert unit_of_module("portal.create_app") == "portal"
    assert unit_of_module("flask") is None
    assert LAYER_OF["web"] < LAYER_OF["accounts"] < LAYER_OF["referrals"] < LAYER_OF["review"]


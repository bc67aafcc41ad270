"""The project's plumbing: CI script, Makefile, design-system install, benchmark helpers.

None of these need the application to import.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "tests" / "bench"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_plumbing_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _make(*args: str) -> subprocess.CompletedProcess:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    # Under `make test` the outer make's flags and variables would leak in: drop them.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)


# --- CI ------------------------------------------------------------------------------------


def test_ci_run_is_an_executable_bash_script_that_parses():
    script = REPO / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run must be executable (chmod +x)"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_ci_run_requires_everything_and_never_downloads_a_browser():
    text = (REPO / ".ci" / "run").read_text()
    assert "LEAD_REQUIRE_ALL=1" in text
    assert "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test" in text
    assert "playwright install" not in text


# --- Makefile ------------------------------------------------------------------------------


def test_makefile_has_the_documented_targets():
    text = (REPO / "Makefile").read_text()
    for target in ("run", "test", "bench", "clean"):
        assert re.search(rf"^{target}:", text, re.MULTILINE), f"no '{target}:' target"
    assert "/work/" not in text, "no absolute paths in the Makefile"


@pytest.mark.parametrize("target", ["run", "test", "bench", "clean"])
def test_make_dry_run_succeeds(target):
    done = _make("-n", target)
    assert done.returncode == 0, done.stderr


def test_make_run_serves_on_loopback_after_migrating_and_loading_the_demo():
    out = _make("-n", "run").stdout.splitlines()
    upgrade = next(i for i, line in enumerate(out) if "lead-portal db upgrade" in line)
    demo = next(i for i, line in enumerate(out) if re.search(r"lead-portal demo\s*$", line))
    serve = next(i for i, line in enumerate(out) if "lead-portal run" in line)
    assert upgrade < demo < serve
    assert "--host 127.0.0.1 --port 5000" in out[serve]


def test_make_test_passes_pytest_args():
    done = _make("-n", "test", "PYTEST_ARGS=-k something")
    assert done.returncode == 0, done.stderr
    assert re.search(r"-m pytest -k something\s*$", done.stdout, re.MULTILINE), done.stdout


# --- Design system (USWDS from npm) --------------------------------------------------------


def test_package_json_pins_uswds_exactly_and_the_lock_agrees():
    package = json.loads((REPO / "package.json").read_text())
    assert package["private"] is True
    pinned = package["dependencies"]["@uswds/uswds"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"pin an exact version, not {pinned!r}"
    lock = json.loads((REPO / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"]["@uswds/uswds"] == pinned
    assert lock["packages"]["node_modules/@uswds/uswds"]["version"] == pinned


def test_the_design_system_files_are_ignored_by_git():
    """Without the trailing slash, so that a link to a shared copy (a worktree's) is ignored too."""
    ignored = (REPO / ".gitignore").read_text().split()
    for entry in ("node_modules/", "static/uswds", ".venv", "instance/"):
        assert entry in ignored


def test_uswds_is_installed_trimmed_in_static():
    root = REPO / "static" / "uswds"
    css = root / "css" / "uswds.min.css"
    if not css.exists():
        message = f"{css.relative_to(REPO)} is missing: run `make uswds` (or make run / make test)"
        if os.environ.get("LEAD_REQUIRE_ALL"):
            pytest.fail(message)
        pytest.skip(message)
    for name in ("js/uswds.min.js", "js/uswds-init.min.js", "img/sprite.svg",
                 "fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2"):
        assert (root / name).is_file(), name
    # Every font and image the stylesheet asks for is there.
    for url in set(re.findall(r"url\(\.\./([^)\"'?#]+)\)", css.read_text())):
        assert (root / url).is_file(), url
    # Trimmed: nothing a browser does not load.
    leftovers = [p for p in root.rglob("*") if p.suffix in {".map", ".scss", ".zip", ".ttf"}]
    assert not leftovers, leftovers[:5]
    assert not (root / "scss").exists() and not (root / "theme").exists()
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert size < 6 * 1024 * 1024, f"static/uswds is {size / 1e6:.1f} MB"


# --- Benchmark helpers ---------------------------------------------------------------------

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:40123/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms    1.20ms  30.01ms   90.00%
    Req/Sec     0.98k    80.00     1.10k    70.00%
  Latency Distribution
     50%  850.00us
     75%    4.50ms
     90%    5.20ms
     99%    1.02s
  9780 requests in 5.00s, 12.34MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1955.12
Transfer/sec:      2.47MB
"""


def test_bench_http_parses_wrk_latency_output():
    bench = _load(BENCH / "bench_http.py")
    result = bench.parse_wrk(WRK_OUTPUT)
    assert result["rps"] == pytest.approx(1955.12)
    assert result["p50_ms"] == pytest.approx(0.85)
    assert result["p99_ms"] == pytest.approx(1020.0)
    assert result["requests"] == 9780
    assert result["non_2xx_3xx"] == 3


def test_bench_http_reads_the_csrf_token_whatever_the_attribute_order():
    bench = _load(BENCH / "bench_http.py")
    html = ('<input type="email" name="email" value="">'
            '<input value="Ijk.abc-_" type="hidden" name="csrf_token">')
    assert bench.form_field(html, "csrf_token") == "Ijk.abc-_"


def test_bench_http_refuses_non_loopback_targets():
    bench = _load(BENCH / "bench_http.py")
    with pytest.raises(bench.BenchError, match="non-loopback"):
        bench.wrk("http://192.0.2.1/", duration=1, threads=1, connections=1)


def test_hello_baseline_is_a_wsgi_app():
    hello = _load(BENCH / "hello.py")
    seen = {}

    def start_response(status, headers):
        seen.update(status=status, headers=dict(headers))

    body = b"".join(hello.app({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, start_response))
    assert seen["status"] == "200 OK"
    assert int(seen["headers"]["Content-Length"]) == len(body) > 0


def test_bench_modules_are_not_collected_as_tests():
    assert not any(p.name.startswith("test_") for p in BENCH.glob("*.py"))

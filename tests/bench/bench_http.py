#!/usr/bin/env python3
"""HTTP benchmarks of the portal under gunicorn, driven by wrk, against a bare WSGI baseline.

    .venv/bin/python tests/bench/bench_http.py              # the full run (about 2 minutes)
    .venv/bin/python tests/bench/bench_http.py --quick      # 1 round of 2 s, to try it out
    .venv/bin/python tests/bench/bench_http.py --summary    # reprint results/latest.json

The machines are shared 2-core boxes, so no absolute number means much: each portal run is
paired with a run of the "hello" app (tests/bench/hello.py) served the same way just before
it, and every figure is reported as a median over rounds and as a ratio to that baseline.

It builds a throw-away SQLite database with the demo data, starts one gunicorn for the portal
and one for the baseline on free 127.0.0.1 ports, signs in once (sign-in is rate limited
and costs an argon2 verification), then runs the scenarios. To add one, call
``bench.scenario(name, path, cookie=...)`` in ``run_scenarios``; ``PortalSite``,
``GunicornServer`` and ``sign_in`` are meant for reuse by later (POST-heavy) scenarios, which
can pass a wrk Lua script with ``script=``.

Only loopback addresses are used; every subprocess has a time limit; servers are stopped in
``finally`` blocks.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS_DIR = HERE / "results"
LATEST = RESULTS_DIR / "latest.json"
LOOPBACK = "127.0.0.1"

DEMO_PASSWORD = "demo-Lead-portal-2026"
COORDINATOR = "coordinator@lead.demo"


def _ensure_project_python() -> None:
    """Re-run under the project's virtual env when started with a Python that lacks it."""
    try:
        import argon2  # noqa: F401
        import gunicorn  # noqa: F401
        import portal  # noqa: F401
    except ImportError:
        venv_python = REPO / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
            os.execv(str(venv_python), [str(venv_python), str(Path(__file__).resolve()), *sys.argv[1:]])
        raise


class BenchError(RuntimeError):
    """The benchmark could not run as set up (not a slow result)."""


# --- Processes and servers ---------------------------------------------------------------


def tool(name: str) -> str:
    """An executable: the one beside this Python (the venv's) first, then PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name!r} is not installed (Debian: apt-get install {name})")
    return found


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 120,
        cwd: Path | None = None) -> str:
    """Run a command to completion within ``timeout`` seconds; return its stdout."""
    try:
        done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"timed out after {timeout:g}s: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise BenchError(f"exit {done.returncode}: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class GunicornServer:
    """One gunicorn (sync workers) on a free loopback port; use it as a context manager."""

    name: str
    app: str  # "module:callable" or "module:factory()"
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    chdir: Path = REPO
    workers: int = 2
    log_path: Path | None = None
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 60) -> "GunicornServer":
        self.port = free_port()
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn",
                 "--bind", f"{LOOPBACK}:{self.port}",
                 "--workers", str(self.workers), "--worker-class", "sync",
                 "--chdir", str(self.chdir),
                 "--timeout", "60", "--graceful-timeout", "5",
                 "--log-level", "warning",
                 self.app],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,  # its own process group, so stop() reaches the workers
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name}: gunicorn exited with {self.process.returncode}"
                                 + self._log_tail())
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1):
                    pass
                http_get(self.url + "/", timeout=30)  # the first request also warms a worker
                return
            except OSError:
                time.sleep(0.2)
        raise BenchError(f"{self.name}: not answering after {timeout:g}s" + self._log_tail())

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return "\n--- log ---\n" + "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        return ""

    def __enter__(self) -> "GunicornServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- HTTP client helpers -------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_get(url: str, *, cookie: str | None = None, timeout: float = 10,
             follow: bool = True) -> tuple[int, str, str]:
    """GET a URL; return (status, final URL, body). With follow=False a 3xx is returned as is."""
    handlers = [] if follow else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.url, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode("utf-8", "replace")


_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def form_field(html: str, name: str) -> str:
    """The value of the <input name=...> in the page (e.g. the hidden csrf_token)."""
    for tag in _INPUT.findall(html):
        attrs = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in _ATTR.finditer(tag)}
        if attrs.get("name") == name and "value" in attrs:
            return attrs["value"]
    raise BenchError(f"no <input name={name!r}> with a value in the page")


@dataclass
class SignedIn:
    """A signed-in browser session: the cookie header to replay, e.g. in wrk's -H."""

    email: str
    session: str
    jar: http.cookiejar.CookieJar

    @property
    def cookie(self) -> str:
        return f"session={self.session}"


def sign_in(base_url: str, email: str, password: str, totp_code, *, timeout: float = 30) -> SignedIn:
    """Sign in through the real forms (password, then the 6-digit code).

    ``totp_code`` is a callable returning the current code. Sign-in is rate limited: call this
    once per server, not per request.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def fetch(path: str, data: dict[str, str] | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(base_url + path, data=body)
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, urllib.parse.urlsplit(response.url).path, \
                    response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:  # a form re-shown with errors (400/422), or worse
            if exc.code >= 500 or exc.code == 429:
                raise BenchError(f"sign-in: {exc.code} from {exc.url}") from exc
            return exc.code, urllib.parse.urlsplit(exc.url).path, exc.read().decode("utf-8", "replace")

    _, _, page = fetch("/sign-in")
    status, where, page = fetch("/sign-in", {"csrf_token": form_field(page, "csrf_token"),
                                        "email": email, "password": password})
    if where != "/sign-in/code":
        raise BenchError(f"sign-in: the password step ended on {where} ({status}),"
                         " not /sign-in/code")
    for attempt in range(2):  # a code can expire between reading and posting it: one retry
        code_csrf = form_field(page, "csrf_token")
        status, where, page = fetch("/sign-in/code", {"csrf_token": code_csrf, "code": totp_code()})
        if where == "/home":
            break
        if attempt == 0:
            time.sleep(max(0.0, 30 - time.time() % 30) + 1)  # wait for the next time step
    else:
        raise BenchError(f"sign-in: the code step ended on {where} ({status}), not /home")
    session = next((c.value for c in jar if c.name == "session"), None)
    if not session:
        raise BenchError("sign-in: no 'session' cookie was set")
    return SignedIn(email=email, session=session, jar=jar)


# --- The portal under test -----------------------------------------------------------------


class PortalSite:
    """A fresh portal: temp dir, SQLite database with the demo data, gunicorn. Context manager."""

    def __init__(self, workdir: Path, workers: int = 2, extra_env: dict[str, str] | None = None):
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "SECRET_KEY": secrets.token_hex(32),
            "LEAD_ENV": "development",
            "RATELIMIT_ENABLED": "0",
            # The command line (lead-portal) imports this checkout's portal, as gunicorn does
            # (--chdir): the venv's editable install may point at another checkout.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            **(extra_env or {}),
        }
        self.env.pop("TEST_DATABASE_URL", None)
        self.server = GunicornServer("portal", "portal:create_app()", env=self.env,
                                     workers=workers, log_path=workdir / "portal.log")

    def cli(self, *args: str, timeout: float = 120) -> str:
        return run([tool("lead-portal"), *args], env=self.env, timeout=timeout, cwd=self.workdir)

    def totp_code(self, email: str) -> str:
        out = self.cli("demo", "code", email, timeout=60)
        codes = re.findall(r"\b\d{6}\b", out)
        if not codes:
            raise BenchError(f"'lead-portal demo code {email}' printed no 6-digit code: {out!r}")
        return codes[-1]

    def sign_in(self, email: str = COORDINATOR, password: str = DEMO_PASSWORD) -> SignedIn:
        return sign_in(self.url, email, password, lambda: self.totp_code(email))

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> "PortalSite":
        self.cli("db", "upgrade")
        self.cli("demo")
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()


# --- wrk -----------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise BenchError(f"wrk: cannot read the latency {text!r}")
    return float(m.group(1)) * _UNIT_MS[m.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if not (rps and total and p50 and p99):
        raise BenchError("wrk: unexpected output (was --latency given?)\n" + output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                              output)
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _ms(p50.group(1)),
        "p99_ms": _ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def wrk(url: str, *, duration: float, threads: int, connections: int, cookie: str | None = None,
        script: Path | None = None) -> dict:
    host = urllib.parse.urlsplit(url).hostname
    if host not in {LOOPBACK, "localhost"}:
        raise BenchError(f"refusing to load a non-loopback address: {url}")
    cmd = [tool("wrk"), f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency",
           "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if script:
        cmd += ["-s", str(script)]
    return parse_wrk(run(cmd + [url], timeout=duration + 60))


# --- Scenarios -----------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _ratio(value: float, baseline: float, digits: int) -> float:
    return round(value / max(baseline, 1e-9), digits)


@dataclass
class Bench:
    portal: PortalSite
    hello: GunicornServer
    rounds: int = 3
    duration: float = 5
    threads: int = 2
    connections: int = 8
    results: list[dict] = field(default_factory=list)

    def _wrk(self, url: str, **kwargs) -> dict:
        return wrk(url, duration=self.duration, threads=self.threads,
                   connections=self.connections, **kwargs)

    def scenario(self, name: str, path: str, cookie: str | None = None, *,
                 script: Path | None = None, expect_status: int = 200) -> dict:
        """Load ``path`` on the portal ``rounds`` times, each right after a hello baseline run."""
        status, _, _ = http_get(self.portal.url + path, cookie=cookie, follow=False)
        if status != expect_status:
            raise BenchError(f"{name}: GET {path} answered {status}, expected {expect_status}"
                             " (a redirect would benchmark the wrong page)")
        rounds = []
        for i in range(self.rounds):
            hello = self._wrk(self.hello.url + "/")
            portal = self._wrk(self.portal.url + path, cookie=cookie, script=script)
            rounds.append({
                "round": i + 1, "portal": portal, "hello": hello,
                "ratio": {
                    "rps": _ratio(portal["rps"], hello["rps"], 4),
                    "p50": _ratio(portal["p50_ms"], hello["p50_ms"], 2),
                    "p99": _ratio(portal["p99_ms"], hello["p99_ms"], 2),
                },
            })
            print(f"  {name} round {i + 1}: {portal['rps']:.0f} req/s, p50 {portal['p50_ms']:.2f} ms,"
                  f" p99 {portal['p99_ms']:.2f} ms (hello {hello['rps']:.0f} req/s)", flush=True)
            if portal["non_2xx_3xx"] or portal["socket_errors"]:
                print(f"  warning: {portal['non_2xx_3xx']} non-2xx/3xx responses,"
                      f" {portal['socket_errors']} socket errors", flush=True)
        status, _, _ = http_get(self.portal.url + path, cookie=cookie, follow=False)
        if status != expect_status:  # wrk counts a 3xx as a success: make sure none crept in
            raise BenchError(f"{name}: after the runs GET {path} answered {status}"
                             f" (expected {expect_status}): did the session end?")
        result = {
            "name": name,
            "path": path,
            "signed_in": cookie is not None,
            "median": {
                "rps": _median([r["portal"]["rps"] for r in rounds]),
                "p50_ms": _median([r["portal"]["p50_ms"] for r in rounds]),
                "p99_ms": _median([r["portal"]["p99_ms"] for r in rounds]),
            },
            "hello_median": {
                "rps": _median([r["hello"]["rps"] for r in rounds]),
                "p50_ms": _median([r["hello"]["p50_ms"] for r in rounds]),
                "p99_ms": _median([r["hello"]["p99_ms"] for r in rounds]),
            },
            # Median of the per-round ratios: each portal run against the baseline just before it.
            "ratio_to_hello": {
                "rps": _median([r["ratio"]["rps"] for r in rounds]),
                "p50": _median([r["ratio"]["p50"] for r in rounds]),
                "p99": _median([r["ratio"]["p99"] for r in rounds]),
            },
            "rounds": rounds,
        }
        self.results.append(result)
        return result


def run_scenarios(bench: Bench, coordinator: SignedIn) -> None:
    bench.scenario("landing /", "/")
    bench.scenario("home /home (coordinator)", "/home", cookie=coordinator.cookie)


def argon2_verify_ms(repeats: int = 20) -> dict:
    """One password verification with the production parameters (argon2-cffi's defaults)."""
    import argon2

    hasher = argon2.PasswordHasher()  # RFC 9106 low-memory profile, what the portal uses in production
    stored = hasher.hash(DEMO_PASSWORD)
    hasher.verify(stored, DEMO_PASSWORD)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        hasher.verify(stored, DEMO_PASSWORD)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "repeats": repeats,
        "params": {"type": hasher.type.name.lower(), "time_cost": hasher.time_cost,
                   "memory_cost_kib": hasher.memory_cost, "parallelism": hasher.parallelism},
    }


# --- Report --------------------------------------------------------------------------------


def table(report: dict) -> str:
    rows = [("scenario", "req/s", "x hello", "p50 ms", "x hello", "p99 ms", "x hello")]
    for s in report["scenarios"]:
        m, r = s["median"], s["ratio_to_hello"]
        rows.append((s["name"], f"{m['rps']:.0f}", f"{r['rps']:.3f}", f"{m['p50_ms']:.2f}",
                     f"{r['p50']:.1f}", f"{m['p99_ms']:.2f}", f"{r['p99']:.1f}"))
        h = s["hello_median"]
        rows.append(("  hello baseline", f"{h['rps']:.0f}", "", f"{h['p50_ms']:.2f}", "",
                     f"{h['p99_ms']:.2f}", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    cfg = report["config"]
    a = report.get("argon2")
    lines.append("")
    lines.append(f"medians of {cfg['rounds']} round(s) of wrk -t{cfg['threads']} -c{cfg['connections']}"
                 f" -d{cfg['duration_s']:g}s; gunicorn {cfg['workers']} sync workers; ratios per round"
                 " against the hello app measured just before")
    if a:
        p = a["params"]
        lines.append(f"argon2 verify ({p['type']}, t={p['time_cost']}, m={p['memory_cost_kib']} KiB,"
                     f" p={p['parallelism']}): median {a['median_ms']:.1f} ms of {a['repeats']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s: a smoke run")
    parser.add_argument("--summary", action="store_true", help="reprint the last results and exit")
    parser.add_argument("--output", type=Path, default=LATEST)
    parser.add_argument("--time-limit", type=int, default=900,
                        help="seconds before the whole run gives up (servers are stopped)")
    args = parser.parse_args(argv)

    if args.summary:
        if not LATEST.exists():
            print(f"no HTTP benchmark results yet ({LATEST.relative_to(REPO)})")
            return 1
        print("HTTP benchmark summary (" + str(LATEST.relative_to(REPO)) + ")")
        print(table(json.loads(LATEST.read_text())))
        return 0
    if args.quick:
        args.rounds, args.duration = 1, 2

    _ensure_project_python()
    started = time.monotonic()

    def give_up(signum, _frame):
        raise BenchError(f"stopped by signal {signum} (time limit {args.time_limit}s or SIGTERM)")

    signal.signal(signal.SIGTERM, give_up)
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(args.time_limit)
    report = {
        "benchmark": "http",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "config": {"rounds": args.rounds, "duration_s": args.duration, "threads": args.threads,
                   "connections": args.connections, "workers": args.workers},
    }
    with tempfile.TemporaryDirectory(prefix="lead-bench-") as tmp:
        workdir = Path(tmp)
        print(f"setting up a fresh portal in {workdir} ...", flush=True)
        hello = GunicornServer("hello", "hello:app", chdir=HERE, workers=args.workers,
                               log_path=workdir / "hello.log")
        portal = PortalSite(workdir, workers=args.workers)
        try:
            with portal, hello:
                coordinator = portal.sign_in(COORDINATOR)
                print(f"portal {portal.url}, hello {hello.url}; signed in as {COORDINATOR}", flush=True)
                bench = Bench(portal, hello, rounds=args.rounds, duration=args.duration,
                              threads=args.threads, connections=args.connections)
                run_scenarios(bench, coordinator)
            print("measuring argon2 verification ...", flush=True)
            report["argon2"] = argon2_verify_ms()
        except BenchError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 2
        finally:
            signal.alarm(0)
    report["scenarios"] = bench.results
    report["elapsed_s"] = round(time.monotonic() - started, 1)

    print()
    print(table(report))
    print()
    print(json.dumps(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""HTML to PDF with WeasyPrint, locked down: a fetcher that serves static/ only, no attachments,
no external links, tagged output, and a time limit.

Only the portal's own autoescaped templates reach this module (operations.py renders them), so
what a partner typed arrives as text. Everything here is the second line of defence: if markup
ever got through, the fetcher would still refuse anything outside static/ and the render would
fail closed rather than quietly leave a resource out.

The time limit. WeasyPrint has no timeout option and a thread cannot be killed, so:

- on the main thread (a gunicorn sync worker, the command line, the tests), a SIGALRM interval
  timer raises an exception inside the render. It derives from BaseException so that no
  ``except Exception`` inside WeasyPrint swallows it. It is not raised inside a finalizer or a
  weakref callback (garbage collection runs those anywhere, and Python drops their exceptions);
  the timer repeats every 50 ms until disarmed, so the next tick raises it in ordinary code.
  The worker stays healthy: the request gets a 503 and the process carries on.
- elsewhere (a threaded development server, gthread workers), signals cannot be used, so the
  render runs in a helper thread and the request waits for it with join(timeout). A render past
  its limit cannot be stopped; it finishes in the background while holding the render lock, so
  at most one runaway render per process, and the renders queued behind it time out too.

Standard library and WeasyPrint only: no Flask, so the benchmark and other programs can use it.
"""

from __future__ import annotations

import gc
import signal
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, path2url

from portal.config import ROOT

STATIC_DIR = ROOT / "static"
RENDERER = f"WeasyPrint {weasyprint.__version__}"
DEFAULT_TIMEOUT_SECONDS = 10.0
# What the fetcher serves, by extension; anything else in static/ is refused too.
SERVED_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
MAX_RESOURCE_BYTES = 2 * 1024 * 1024
# Tagged for screen readers (ux.md); the title and language come from the template's <title>
# and <html lang>. The same options go to render() and write_pdf().
PDF_OPTIONS = {"pdf_tags": True, "pdf_forms": False, "presentational_hints": False}
_REPEAT_SECONDS = 0.05


class RenderError(Exception):
    """The document could not be rendered."""


class RenderTimeout(RenderError):
    """The render took longer than its limit."""


class RenderRefused(RenderError):
    """The document asked for a resource the fetcher does not serve."""


class FetchRefused(ValueError):
    """A URL outside static/ (or of a kind static/ does not serve)."""


class StaticOnlyFetcher(URLFetcher):
    """Serves regular files under static/ and refuses every other URL.

    Refused: any scheme but file: (http, https, data, ftp, javascript, ...), a host, a path
    outside static/ after resolving '..' and symbolic links, a directory, an unknown extension,
    a file over MAX_RESOURCE_BYTES. No network code runs, so there is no redirect to follow.
    """

    def __init__(self, root: Path = STATIC_DIR):
        # fail_on_errors: a refusal stops the render (WeasyPrint's default only logs it).
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        return URLFetcherResponse(path2url(path), body=path.read_bytes(),
                                  headers={"Content-Type": SERVED_TYPES[path.suffix]})

    def resolve(self, url: str) -> Path:
        """The file under static/ that ``url`` names; FetchRefused for anything else."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"only files under static/ are served, not {url[:80]!r}")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)  # decodes %xx once
        except (OSError, RuntimeError, ValueError):
            raise FetchRefused(f"no such file: {url[:80]!r}") from None
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused(f"outside static/: {url[:80]!r}")
        if path.suffix not in SERVED_TYPES or path.stat().st_size > MAX_RESOURCE_BYTES:
            raise FetchRefused(f"not a file type the documents use: {url[:80]!r}")
        return path


def static_url(relative: str) -> str:
    """The file: URL a template uses for a file under static/ when it is rendered to PDF."""
    return path2url(STATIC_DIR / relative)


def html_to_pdf(html: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                fetcher: URLFetcher | None = None) -> bytes:
    """The PDF of ``html`` (a rendered portal template), within ``timeout`` seconds."""
    work = _Work(html, fetcher or StaticOnlyFetcher(), timeout)
    if threading.current_thread() is threading.main_thread() and not _timer_in_use():
        return _with_alarm(work, timeout)
    return _with_thread(work, timeout)


@dataclass
class _Work:
    html: str
    fetcher: URLFetcher
    timeout: float

    def __call__(self) -> bytes:
        # One FontConfiguration per process, used by one render at a time; a render that ran
        # past its limit in a helper thread still holds the lock, so the next one gives up.
        acquired = False
        try:
            acquired = _RENDER_LOCK.acquire(timeout=self.timeout)
            if not acquired:
                raise RenderTimeout("another render is still running")
            return self._render()
        except FatalURLFetchingError as refused:
            raise RenderRefused(str(refused.__cause__ or refused)) from None
        finally:
            if acquired:  # set by the very next instruction after acquire(): never leaked
                _RENDER_LOCK.release()

    def _render(self) -> bytes:
        document = weasyprint.HTML(string=self.html, base_url=static_url(""),
                                   url_fetcher=self.fetcher).render(
            font_config=_font_config(), **PDF_OPTIONS)
        _strip_attachments_and_links(document)
        return document.write_pdf(**PDF_OPTIONS)


_RENDER_LOCK = threading.Lock()


@cache
def _font_config() -> FontConfiguration:
    """Made once: a FontConfiguration per render costs time and leaks Pango font maps."""
    return FontConfiguration()


def _strip_attachments_and_links(document) -> None:
    """No embedded files and no link annotations other than within the document itself."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] == "internal"]


# --- the time limit ----------------------------------------------------------------------------


class _Expired(BaseException):
    """Raised by the alarm inside the render (see the module docstring)."""


class _Alarm:
    armed = False


def _on_alarm(_signum, frame):
    # A late delivery after disarming does nothing; inside a finalizer Python would print and
    # drop the exception, so there the alarm waits for its next tick instead. It fires once:
    # a second tick landing in a `finally` on the way out (the render lock's release, say)
    # would cut that clean-up short.
    if _Alarm.armed and not _in_finalizer(frame):
        _Alarm.armed = False
        raise _Expired()


def _in_finalizer(frame) -> bool:
    """Whether ``frame`` runs in a __del__, a weakref callback or a gc callback (hypothesis
    installs one): places where Python reports an exception as unraisable and drops it."""
    gc_callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        code = frame.f_code
        if (code.co_name == "__del__" or code.co_filename == weakref.__file__
                or code in gc_callbacks):
            return True
        frame = frame.f_back
    return False


def _timer_in_use() -> bool:
    """Someone else's ITIMER_REAL is running: leave it alone and use a thread instead."""
    return signal.getitimer(signal.ITIMER_REAL)[0] > 0


def _with_alarm(work: Callable[[], bytes], timeout: float) -> bytes:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        _Alarm.armed = True
        signal.setitimer(signal.ITIMER_REAL, timeout, _REPEAT_SECONDS)
        try:
            return work()
        finally:
            _disarm(previous)
    except _Expired:
        _disarm(previous)  # again, in case the alarm cut the first clean-up short
        raise RenderTimeout(f"the render took more than {timeout:g} s") from None


def _disarm(previous) -> None:
    _Alarm.armed = False  # first, so that nothing below can be interrupted by the alarm
    signal.setitimer(signal.ITIMER_REAL, 0)
    # None: the handler was set outside Python; the default is the nearest we can put back.
    signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


def _with_thread(work: Callable[[], bytes], timeout: float) -> bytes:
    outcome: dict = {}

    def run():
        try:
            outcome["pdf"] = work()
        except BaseException as error:  # handed to the waiting request below
            outcome["error"] = error

    helper = threading.Thread(target=run, name="receipt-render", daemon=True)
    helper.start()
    helper.join(timeout)
    if helper.is_alive():
        raise RenderTimeout(f"the render took more than {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["pdf"]

"""Safety: hostile input comes out as text; the fetcher serves static/ only; no attachments, no
javascript:, no link made from input; the file name is the server's; rendering has a time limit."""

from __future__ import annotations

import signal
import socket
import threading
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    TextStringObject,
)

from portal.accounts.models import Role
from portal.receipts import render
from portal.receipts.render import (
    FetchRefused,
    RenderRefused,
    RenderTimeout,
    StaticOnlyFetcher,
    html_to_pdf,
    static_url,
)
from tests.receipts.helpers import (
    ARREST,
    DOWNLOADED,
    audit_rows,
    filename,
    pdf,
    squash,
    stored,
    submit,
    text,
)

IMG_FILE = '<img src="file:///etc/passwd">'
ATTACHMENT = '<link rel="attachment" href="file:///etc/passwd">'
IMG_HTTP = '<img src="http://127.0.0.1:1/">'
JAVASCRIPT = "javascript:alert(1)"
A_JAVASCRIPT = '<a href="javascript:alert(document.cookie)">click</a>'
STYLE = "<style>@import url(http://127.0.0.1:1/x.css)</style>"
NAME = "Ana <b>Ruiz</b>"
EVERYTHING = "\n".join((IMG_FILE, ATTACHMENT, IMG_HTTP, JAVASCRIPT, A_JAVASCRIPT, STYLE))

# Every free-text field of an arrest-diversion referral (phone numbers, dates and times are
# checked against a format, so they are not free text).
HOSTILE_PAGES = {
    "referrer": {"name": IMG_FILE, "badge_number": IMG_HTTP},
    "arrest": {"incident_number": JAVASCRIPT, "arrest_place": ATTACHMENT},
    "charges": {"charges": ["shoplifting", "other"], "other_description": A_JAVASCRIPT},
    "person": {"legal_name": NAME, "other_names": STYLE, "staying": ATTACHMENT,
               "language": "other", "language_other": JAVASCRIPT},
    "circumstances": {"needs_detail": EVERYTHING},
    "concerns": {"note": EVERYTHING},
}
# What the partner's receipt prints of it.
PRINTED = (IMG_FILE, IMG_HTTP, JAVASCRIPT, ATTACHMENT, A_JAVASCRIPT, NAME, STYLE)


@pytest.fixture
def hostile(client, make):
    client.sign_in(make.user(Role.REFERRER))
    return submit(client, ARREST, pages=HOSTILE_PAGES, consent={"signature": NAME},
                  partner_note=EVERYTHING)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the fetcher is asked for, during this test."""
    asked: list[str] = []
    original = StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording)
    return asked


def _solid(value: str) -> str:
    """Without whitespace: a long line may wrap anywhere in the PDF."""
    return "".join(value.split())


def test_hostile_input_is_printed_as_literal_text(client, hostile, fetched):
    referral_id, reference = hostile
    found = _solid(text(pdf(client, f"/referrals/{referral_id}/receipt.pdf").data))
    for value in PRINTED:
        assert _solid(value) in found, value
    for url in ("person-receipt.pdf?language=en", "consent-copy.pdf"):
        assert _solid(NAME) in _solid(text(pdf(client, f"/referrals/{referral_id}/{url}").data))
    # Three renders, each asking for the stylesheet and nothing else.
    assert fetched == [static_url("css/print.css")] * 3


def test_hostile_input_is_escaped_on_the_printable_pages(client, hostile):
    referral_id, _ = hostile
    for url in ("receipt", "person-receipt", "consent-copy"):
        page = client.get(f"/referrals/{referral_id}/{url}")
        assert not page.soup.find_all(["img", "style", "script", "b"]), url
        assert [link.get("rel") for link in page.soup.find_all("link")] == [["stylesheet"]]
        hrefs = [a["href"] for a in page.soup.find_all("a")]
        assert not [h for h in hrefs if "javascript" in h or h.startswith(("http", "file", "//"))]
    page = client.get(f"/referrals/{referral_id}/receipt")
    for value in PRINTED:
        assert squash(value) in squash(page.soup.get_text(" ")), value


@pytest.mark.parametrize("url", ["receipt.pdf", "person-receipt.pdf", "consent-copy.pdf"])
def test_the_pdf_has_no_embedded_files_no_actions_and_no_uris(client, hostile, url):
    referral_id, _ = hostile
    reader = PdfReader(BytesIO(pdf(client, f"/referrals/{referral_id}/{url}").data))
    assert reader.attachments == {}
    keys, strings = _walk(reader.trailer["/Root"])
    assert not keys & {"/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment", "/JavaScript",
                       "/JS", "/URI", "/Launch", "/OpenAction", "/AA", "/SubmitForm", "/AcroForm"}
    assert not [s for s in strings if "javascript" in s.lower() or "file:" in s.lower()]
    for page in reader.pages:
        assert "/Annots" not in page, "no link annotations at all"


def _walk(start) -> tuple[set[str], list[str]]:
    """Every dictionary key and text string reachable from ``start`` (object streams included)."""
    keys, strings, seen, todo = set(), [], set(), [start]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            keys |= set(item.keys())
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
        elif isinstance(item, TextStringObject):
            strings.append(str(item))
    return keys, strings


def test_the_file_name_is_made_from_the_reference(client, hostile):
    referral_id, reference = hostile
    names = {url: filename(pdf(client, f"/referrals/{referral_id}/{url}"))
             for url in ("receipt.pdf", "person-receipt.pdf?language=es", "consent-copy.pdf")}
    assert names == {"receipt.pdf": f"lead-receipt-{reference}.pdf",
                     "person-receipt.pdf?language=es": f"lead-person-receipt-{reference}-es.pdf",
                     "consent-copy.pdf": f"lead-consent-copy-{reference}-en.pdf"}


# --- the fetcher on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file://localhost/etc/passwd", "file://evil.example/etc/passwd",
    "http://127.0.0.1:1/", "https://example.org/print.css", "ftp://127.0.0.1/x.css",
    "data:text/css,body{}", "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)",
    static_url("css/print.css").replace("/css/print.css", "/../portal/config.py"),
    static_url("css/print.css").replace("print.css", "..%2F..%2Fportal%2Fconfig.py"),
    static_url("css/print.css").replace("/css/print.css", "/css/"),
    static_url("css/print.css").replace("print.css", "missing.css"),
    static_url("uswds/js/uswds.min.js"),
])
def test_the_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_a_stylesheet_from_static():
    response = StaticOnlyFetcher().fetch(static_url("css/print.css"))
    assert response.content_type == "text/css" and b"@page" in response.read()
    response.close()


def test_the_fetcher_does_not_follow_a_link_out_of_its_folder(tmp_path):
    root, outside = tmp_path / "static", tmp_path / "secret.css"
    root.mkdir()
    outside.write_text("body { color: red }")
    (root / "link.css").symlink_to(outside)
    (root / "ok.css").write_text("body { color: blue }")
    fetcher = StaticOnlyFetcher(root)
    with pytest.raises(FetchRefused):
        fetcher.fetch((root / "link.css").as_uri())
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"body { color: blue }"


# --- the renderer on hostile markup (as if escaping had failed): it fails closed ----------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the renderer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("markup", [IMG_FILE, IMG_HTTP, STYLE,
                                    '<link rel="stylesheet" href="http://127.0.0.1:1/x.css">',
                                    '<img src="data:image/svg+xml,<svg/>">'])
def test_a_resource_outside_static_stops_the_render(markup, fetched, no_network):
    with pytest.raises(RenderRefused):
        html_to_pdf(f"<!doctype html><html lang=en><title>t</title><p>x</p>{markup}")
    assert fetched and not [url for url in fetched if url.startswith(static_url(""))]


@pytest.mark.parametrize("markup", [ATTACHMENT, A_JAVASCRIPT,
                                    '<a rel="attachment" href="file:///etc/passwd">x</a>',
                                    '<a href="http://127.0.0.1:1/">x</a>'])
def test_attachments_and_links_are_dropped_unfetched(markup, fetched, no_network):
    data = html_to_pdf(f"<!doctype html><html lang=en><title>t</title><p>x</p>{markup}")
    reader = PdfReader(BytesIO(data))
    keys, strings = _walk(reader.trailer["/Root"])
    assert reader.attachments == {} and "/URI" not in keys and "/EmbeddedFiles" not in keys
    assert not [s for s in strings if "javascript" in s or "file:" in s]
    assert fetched == []


# --- the time limit -----------------------------------------------------------------------------

LONG = "<!doctype html><html lang=en><title>t</title>" + "<p>A long document.</p>" * 4000


def test_a_render_past_its_limit_stops_on_the_main_thread():
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(RenderTimeout):
        html_to_pdf(LONG, timeout=0.05)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "the timer is off"
    assert signal.getsignal(signal.SIGALRM) is handler, "the handler is put back"
    assert html_to_pdf("<!doctype html><html lang=en><title>t</title><p>ok</p>").startswith(b"%PDF")


def test_a_render_past_its_limit_times_out_off_the_main_thread():
    outcome = {}

    def request():
        try:
            html_to_pdf(LONG, timeout=0.05)
        except RenderTimeout as error:
            outcome["error"] = error

    worker = threading.Thread(target=request)
    worker.start()
    worker.join(30)
    assert isinstance(outcome.get("error"), RenderTimeout)
    for helper in [t for t in threading.enumerate() if t.name == "receipt-render"]:
        helper.join(60)  # the abandoned render finishes and frees the lock
    assert html_to_pdf("<!doctype html><html lang=en><title>t</title><p>ok</p>").startswith(b"%PDF")


def test_a_download_past_the_limit_is_a_503_and_stores_nothing(client, make, session,
                                                                 monkeypatch):
    officer = make.user(Role.REFERRER)
    client.sign_in(officer)
    referral_id = make.referral(ARREST, by=officer).id
    monkeypatch.setattr("portal.receipts.making.timeout", lambda: 0.0001)
    response = client.raw.get(f"/referrals/{referral_id}/receipt.pdf")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "could not be made" in response.get_data(as_text=True)
    assert stored(session, referral_id) == [] and audit_rows(session, DOWNLOADED) == []
    monkeypatch.undo()
    assert pdf(client, f"/referrals/{referral_id}/receipt.pdf").data.startswith(b"%PDF")


def test_the_render_lock_is_not_left_held(monkeypatch):
    assert not render._RENDER_LOCK.locked()

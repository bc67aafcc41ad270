"""Referrals made through the partner's pages, and reading PDFs back, for the receipts tests."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select


from portal.receipts.models import StoredDocument
from tests.conftest import need
from tests.referrals import builders
from tests.reading import audit_rows, count  # noqa: F401  (re-exported for the tests here)

ARREST, SOCIAL = "arrest_diversion", "social_contact"
PRINTED, DOWNLOADED = "document.printed", "document.downloaded"
DOCUMENT_URLS = ("receipt", "receipt.pdf", "person-receipt", "person-receipt.pdf?language=es",
                 "consent-copy", "consent-copy.pdf")


def submit(client, route: str = ARREST, *, pages: dict | None = None, consent: dict | None = None,
           partner_note: str | None = None) -> tuple[int, str]:
    """A referral sent through the pages, with ``pages`` replacing answers page by page."""
    referral_id = builders.start(client, route)
    for slug, data in builders.PAGES[route]:
        answers = {**data, **(pages or {}).get(slug, {})}
        client.submit(f"/referrals/{referral_id}/{slug}", answers, status=302)
    client.submit(f"/referrals/{referral_id}/consent",
                  {**builders.consent_page(route), **(consent or {})}, status=302)
    note = {"partner_note": partner_note} if partner_note else {}
    response = client.submit(f"/referrals/{referral_id}/check", note, status=302)
    page = client.get(response.location)
    return referral_id, page.soup.find(id="reference").get_text().strip()


def pdf(client, url: str):
    """Download a PDF: 200, application/pdf, and the bytes."""
    response = client.raw.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/pdf"
    return response


def text(pdf_bytes: bytes) -> str:
    """The PDF's text with pypdf (no system tools needed), whitespace collapsed."""
    reader = PdfReader(BytesIO(pdf_bytes))
    return squash(" ".join(page.extract_text() or "" for page in reader.pages))


def squash(value: str) -> str:
    return " ".join(value.split())


def poppler(tool: str, pdf_bytes: bytes, *args: str) -> str:
    """Run a poppler-utils tool on the PDF (skips without poppler; fails in CI)."""
    need(shutil.which(tool) is not None, "poppler-utils is not installed")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf_bytes)
        to_stdout = ["-"] if tool == "pdftotext" else []
        done = subprocess.run([tool, *args, str(path), *to_stdout], capture_output=True,
                              text=True, timeout=60, check=True)
        return done.stdout


def stored(session, referral_id: int) -> list[StoredDocument]:
    session.expire_all()
    return list(session.scalars(select(StoredDocument).where(
        StoredDocument.referral_id == referral_id).order_by(StoredDocument.id)))


def filename(response) -> str:
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["Content-Disposition"])
    assert match, response.headers["Content-Disposition"]
    return match.group(1)

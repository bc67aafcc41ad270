"""The documents' HTML: which template draws each kind, its context, and the template version.

The same autoescaped template makes the printable page and the PDF; ``for_pdf`` switches the
stylesheet to a file: URL the locked-down fetcher serves, and leaves out the page's links.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, render_template, url_for

from portal.receipts import documents
from portal.receipts.models import CONSENT_COPY, PERSON_RECEIPT, RECEIPT
from portal.receipts.render import STATIC_DIR, static_url

LAYOUT = "receipts/_document.html"
NOTICE = "receipts/_notice.html"  # the 2.32 notice, on every document
TEMPLATES = {RECEIPT: "receipts/receipt.html", PERSON_RECEIPT: "receipts/receipt.html",
             CONSENT_COPY: "receipts/consent_copy.html"}
STYLESHEET = "css/print.css"


def document_html(doc, *, for_pdf: bool, paper: str, made_at: datetime,
                  links: dict | None = None) -> str:
    stylesheet = static_url(STYLESHEET) if for_pdf else url_for("static", filename=STYLESHEET)
    return render_template(TEMPLATES[doc.kind], doc=doc, words=documents.words_for(doc.language),
                           for_pdf=for_pdf, paper=paper, stylesheet=stylesheet,
                           created=made_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                           links=links or {})


def template_version(kind: str) -> str:
    """Which templates and stylesheet drew a document: the layout version and their hash."""
    environment = current_app.jinja_env
    sources = [environment.loader.get_source(environment, name)[0].encode("utf-8")
               for name in (LAYOUT, NOTICE, TEMPLATES[kind])]
    sources.append((STATIC_DIR / STYLESHEET).read_bytes())
    return documents.template_version(*sources)

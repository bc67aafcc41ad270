"""The case conferencing list as a PDF, through the receipts' locked-down renderer (the fetcher
that serves static/ only, and the time limit), as the reports make theirs. What it prints: the
list's own columns, none of which carries substance-use, health or charge detail (42 CFR Part 2)."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from portal import audit
from portal.casework.queries import Listed


def record_download(actor, groups: list[Listed]) -> None:
    """Every download is audited: who, and how many referrals of each group it listed."""
    audit.record("casework.conference_downloaded", actor=actor,
                 detail={"format": "pdf", **{g.group.key: len(g.rows) for g in groups}})


def conference_html(groups: list[Listed], today: date) -> str:
    from portal.receipts.render import static_url

    return render_template("casework/conference_pdf.html", groups=groups, today=today,
                           stylesheet=static_url("css/print.css"))


def conference_pdf(groups: list[Listed], today: date) -> bytes:
    from portal.receipts.render import html_to_pdf

    # A list of a few hundred rows takes longer than one receipt: the reports' limit.
    timeout = float(current_app.extensions["portal.settings"].reports_render_timeout_seconds)
    return html_to_pdf(conference_html(groups, today), timeout=timeout)

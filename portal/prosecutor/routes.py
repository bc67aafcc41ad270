"""The prosecutor's office's pages: its list, the same list as CSV, and one row on its own."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user

from portal import audit
from portal.accounts.access import allowed_to, refuse
from portal.prosecutor import listing, queries
from portal.prosecutor.fields import HEADINGS
from portal.prosecutor.forms import ChangeFilterForm
from portal.web.spreadsheets import csv_lines

bp = Blueprint("prosecutor", __name__, url_prefix="/prosecutor")


def _criteria(form: ChangeFilterForm, paged: bool) -> queries.Criteria:
    """The filter asked for, if it is one of the list's (what else was typed is not kept)."""
    change = (form.change.data or "") if form.validate() else ""
    before = listing.cursor_from(request.args.get("before")) if paged else None
    return queries.Criteria(change=change, before=before)


@bp.route("/referrals")
@allowed_to("see_outcomes")
def referrals():
    form = ChangeFilterForm(request.args)
    criteria = _criteria(form, paged=True)
    rows = listing.rows(current_user, criteria, limit=queries.PAGE_SIZE)
    audit.record("prosecutor.list_viewed", actor=current_user,
                 detail={"change": criteria.change, "rows": len(rows)})
    next_url = None
    if len(rows) == queries.PAGE_SIZE:
        next_url = url_for("prosecutor.referrals", change=criteria.change or None,
                           before=listing.cursor_after(rows[-1]))
    return render_template("prosecutor/referrals.html", form=form, rows=rows, headings=HEADINGS,
                           next_url=next_url,
                           csv_url=url_for("prosecutor.export", change=criteria.change or None))


@bp.route("/referrals.csv")
@allowed_to("see_outcomes")
def export():
    """Every row of the filter (the page shows them 50 at a time), the same cells as the page."""
    criteria = _criteria(ChangeFilterForm(request.args), paged=False)
    rows = listing.rows(current_user, criteria, limit=None)
    audit.record("prosecutor.list_exported", actor=current_user,
                 detail={"change": criteria.change, "rows": len(rows)})
    cells = ([_csv_value(value) for value in row.cells()] for row in rows)
    return Response("".join(csv_lines(HEADINGS, cells)), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="arrest-diversions.csv"'})


@bp.route("/referrals/<int:referral_id>")
@allowed_to("see_outcomes")
def referral(referral_id: int):
    row = listing.one(current_user, referral_id) or refuse(("referrals", referral_id))
    audit.record("prosecutor.referral_viewed", actor=current_user, subject=("referrals",
                                                                            referral_id))
    return render_template("prosecutor/referral.html", row=row,
                           pairs=list(zip(HEADINGS, row.cells(), strict=True)))


def _csv_value(value):
    """A day as YYYY-MM-DD (a spreadsheet sorts it); the page writes it in words."""
    return value.isoformat() if hasattr(value, "isoformat") else value

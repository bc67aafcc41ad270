"""The reports page, its CSV files and its PDF: coordinators and program administrators only.

Anyone else signed in gets 404, as for a referral they may not see, and the refusal is audited.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from portal.accounts.access import signed_in
from portal.accounts.models import PROGRAM_ROLES
from portal.audit.operations import record_refusal
from portal.receipts.render import RenderTimeout
from portal.reports import exports, operations, queries
from portal.reports.forms import ReportForm
from portal.reports.report import SMALL_NOTE, build
from portal.reports.tables import display

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@signed_in()
def index():
    _staff_or_404()
    form = _form()
    report = _report(form) if form.validate() else None
    return _page(form, report)


@bp.route("/tables/<name>.csv")
@signed_in()
def table_csv(name: str):
    _staff_or_404()
    form = _form()
    if not form.validate():
        return _page(form, None)
    report = _report(form)
    table = next((t for t in report.tables if t.name == name), None)
    if table is None:
        abort(404)
    operations.record_export(current_user, name, report.criteria, "csv")
    return _download("".join(exports.table_csv(table)), "text/csv",
                     _filename(report, name, "csv"))


@bp.route("/report.pdf")
@signed_in()
def pdf():
    _staff_or_404()
    form = _form()
    if not form.validate():
        return _page(form, None)
    report = _report(form)
    operations.record_export(current_user, "report", report.criteria, "pdf")
    try:
        content = exports.report_pdf(_html(report), timeout=_timeout())
    except RenderTimeout:
        return _unavailable()
    return _download(content, "application/pdf", _filename(report, "report", "pdf"))


def _staff_or_404() -> None:
    if current_user.role not in PROGRAM_ROLES:
        record_refusal("access.refused", actor=current_user, subject=("reports", "reports"),
                       detail={"endpoint": request.endpoint})
        abort(404)


def _form() -> ReportForm:
    ruleset = current_app.extensions["portal.ruleset"]
    return ReportForm(request.args, routes={r.code: r.label for r in ruleset.routes},
                      partners=queries.partners(), today=date.today())


def _report(form: ReportForm):
    return build(form.criteria(), ruleset=current_app.extensions["portal.ruleset"],
                 settings=current_app.extensions["portal.settings"])


def _page(form: ReportForm, report):
    links = {}
    if report is not None:
        args = request.args.to_dict()
        links = {"pdf": url_for("reports.pdf", **args),
                 "csv": {t.name: url_for("reports.table_csv", name=t.name, **args)
                         for t in report.tables}}
    return render_template("reports/index.html", form=form, report=report, links=links,
                           display=display, small_note=SMALL_NOTE)


def _html(report) -> str:
    from portal.receipts.render import static_url

    return render_template("reports/pdf.html", report=report, display=display,
                           small_note=SMALL_NOTE, stylesheet=static_url("css/print.css"))


def _download(content, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(report, name: str, extension: str) -> str:
    """Made from the table's name (one of ours) and the dates, never from input."""
    criteria = report.criteria
    return f"lead-{name}-{criteria.start.isoformat()}-{criteria.end.isoformat()}.{extension}"


def _timeout() -> float:
    return float(current_app.extensions["portal.settings"].reports_render_timeout_seconds)


def _unavailable():
    body = render_template("error.html", status=503, title="Sorry, the report could not be made",
                           message="Making the PDF took too long. Try again in a minute, or "
                                   "download the tables as CSV.")
    return body, 503, {"Retry-After": "30"}

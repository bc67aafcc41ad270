"""The case conferencing list (a page and its PDF) and the forms of the "After acceptance"
section of the coordinator's referral page. Program staff only: anyone else signed in gets
404, as for a referral they may not see, and the refusal is audited."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import db
from portal.accounts.access import STAFF, refuse, signed_in
from portal.accounts.models import User
from portal.casework import exports, operations, queries, section
from portal.casework.forms import CaseManagerForm
from portal.errors import Refused
from portal.receipts.render import RenderTimeout
from portal.referrals import queries as referral_queries
from portal.review.routes import _render as render_referral
from portal.web.security import csrf_in_form

bp = Blueprint("casework", __name__, url_prefix="/casework")


def _staff_or_404(subject: tuple[str, object] = ("casework", "conference")) -> None:
    if current_user.role not in STAFF:
        refuse(subject)


@bp.route("/conference")
@signed_in()
def conference():
    _staff_or_404()
    return render_template("casework/conference.html", groups=queries.conference(date.today()),
                           today=date.today())


@bp.route("/conference.pdf")
@signed_in()
def conference_pdf():
    _staff_or_404()
    groups = queries.conference(date.today())
    exports.record_download(current_user, groups)
    try:
        content = exports.conference_pdf(groups, date.today())
    except RenderTimeout:
        return render_template("error.html", title="Sorry, the PDF could not be made",
                               message="Making the PDF took too long. Try again in a minute, "
                                       "or use the page."), 503, {"Retry-After": "30"}
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="case-conference-{date.today().isoformat()}.pdf"')
    return response


def _referral(referral_id: int):
    _staff_or_404(("referrals", referral_id))
    return referral_queries.load(current_user, referral_id)


@bp.route("/referrals/<int:referral_id>/case-manager", methods=["POST"])
@signed_in()
@csrf_in_form
def assign(referral_id: int):
    item = _referral(referral_id)
    form = CaseManagerForm().for_staff(section.staff_choices())
    if not _may_record(item, form):
        return _refused(referral_id, form, form.refusal, "case_manager_form")
    if not form.validate_on_submit():
        return render_referral(item, 400, case_manager_form=form)
    user = db.session().get(User, int(form.user.data)) if form.kind.data == "user" else None
    try:
        operations.assign_case_manager(current_user, item, user=user,
                                       agency=form.agency.data if user is None else None,
                                       contact=form.contact.data)
    except Refused as refused:
        return _refused(referral_id, form, refused, "case_manager_form")
    flash("The case manager is recorded.", "success")
    return redirect(url_for("review.referral", referral_id=item.id) + "#after-acceptance")


@bp.route("/referrals/<int:referral_id>/attempts", methods=["POST"])
@signed_in()
@csrf_in_form
def record_attempt(referral_id: int):
    item = _referral(referral_id)
    form = section.attempt_form(item, posted=True)
    if not _may_record(item, form):
        return _refused(referral_id, form, form.refusal, "attempt_form")
    if not form.validate_on_submit():
        return render_referral(item, 400, attempt_form=form)
    try:
        operations.record_attempt(current_user, item, attempted_on=form.attempted_on.date,
                                  method=form.method.data, outcome=form.outcome.data,
                                  note=form.note.data, today=date.today())
    except Refused as refused:
        return _refused(referral_id, form, refused, "attempt_form")
    flash("The contact attempt is recorded.", "success")
    return redirect(url_for("review.referral", referral_id=item.id) + "#after-acceptance")


def _may_record(item, form) -> bool:
    """Who may record, and whether the referral is one to record on, before what was typed is
    judged (a date rule means nothing on a referral that was never accepted)."""
    try:
        operations.require(current_user, item)
    except Refused as refused:
        form.refusal = refused
        if item.status not in section.SHOWN:
            form.anchor = "main-content"
        return False
    return True


def _refused(referral_id: int, form, refused: Refused, name: str):
    """Nothing written; the message beside its field, or above the form, and the answers kept."""
    db.session().rollback()
    field = getattr(form, refused.field, None) if refused.field else None
    (field.errors if field is not None else form.form_errors).append(refused.message)
    return render_referral(referral_queries.load(current_user, referral_id), 400, **{name: form})

"""Sent mail (development without SMTP), the outbox's failed messages, and each user's notices."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import audit
from portal.accounts.access import signed_in
from portal.web.forms import ConfirmForm
from portal.accounts.models import Role
from portal.notices import operations
from portal.notifications import queries
from portal.notices.forms import choices_form, chosen
from portal.notices.kinds import CHOICE_LABELS, notices_for
from portal.web.security import csrf_in_form

bp = Blueprint("notifications", __name__)


def _kept_mail_shown() -> bool:
    """Only where nothing is sent: the bodies hold live links (invitations, password resets)."""
    settings = current_app.extensions["portal.settings"]
    return not settings.smtp_host and not settings.production


@bp.route("/admin/mail")
@signed_in(Role.PROGRAM_ADMIN)
def sent_mail():
    if not _kept_mail_shown():
        abort(404)
    return render_template("notifications/admin/sent_mail.html", messages=queries.kept_messages())


@bp.route("/admin/mail/<int:message_id>")
@signed_in(Role.PROGRAM_ADMIN)
def kept_message(message_id: int):
    message = queries.message(message_id) if _kept_mail_shown() else None
    if message is None:
        abort(404)
    audit.record("outbox.message_viewed", actor=current_user, subject=message)
    return render_template("notifications/admin/message.html", message=message)


@bp.route("/admin/outbox")
@signed_in(Role.PROGRAM_ADMIN)
def troubled():
    return render_template("notifications/admin/outbox.html", messages=queries.troubled_messages(),
                           form=ConfirmForm(), smtp=current_app.extensions["portal.settings"])


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@signed_in(Role.PROGRAM_ADMIN)
@csrf_in_form
def retry(message_id: int):
    message = queries.message(message_id)
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.retry_message(current_user, message)
    except operations.Refused as refused:
        flash(refused.message, "error")
    else:
        flash(f"Message {message.id} will be sent again on the worker's next pass.", "success")
    return redirect(url_for("notifications.troubled"))


@bp.route("/profile/notices", methods=["GET", "POST"])
@signed_in()
@csrf_in_form
def choices():
    current = {notice.code: operations.choices_of([current_user], notice.code)[current_user.id]
               for notice, _rule in notices_for(current_user.role)}
    form = choices_form(current_user.role, current)
    if form.validate_on_submit():
        operations.set_choices(current_user, chosen(form))
        flash("Your choice of notices has been saved.", "success")
        return redirect(url_for("notifications.choices"))
    return render_template("notifications/choices.html", form=form,
                           notices=notices_for(current_user.role), labels=CHOICE_LABELS)

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from portal.accounts.access import public
from portal.public import operations
from portal.public.forms import AccessRequestForm
from portal.web.security import csrf_in_form, limiter

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def landing():
    ruleset = current_app.extensions["portal.ruleset"]
    return render_template("public/landing.html", ruleset=ruleset)


@bp.route("/request-access", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("5/hour", methods=["POST"])
def request_access():
    form = AccessRequestForm()
    if form.validate_on_submit():
        if not form.website.data:
            # A filled honeypot is a bot: it sees the same confirmation, and nothing is stored.
            operations.submit_access_request(
                organisation_name=form.organisation_name.data,
                organisation_kind=form.organisation_kind.data,
                contact_name=form.contact_name.data, contact_email=form.contact_email.data,
                contact_phone=form.contact_phone.data, reason=form.reason.data)
        return redirect(url_for("public.access_requested"))
    return render_template("public/request_access.html", form=form)


@bp.route("/request-access/sent")
@public
def access_requested():
    return render_template("public/access_requested.html")

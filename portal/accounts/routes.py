"""Sign-in, sign-out, invitations, password reset and the user's own profile."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal import audit, db
from portal.accounts import mfa, operations, pending, sessions
from portal.accounts.access import public, safe_next, signed_in
from portal.accounts.forms import (
    AcceptInvitationForm, ChangePasswordForm, CodeForm, ProfileForm, ResetPasswordForm, ResetRequestForm,
    SignInForm,
)
from portal.accounts.models import OrgKind, User
from portal.web.forms import ConfirmForm
from portal.web.security import account_key, csrf_in_form, limiter

bp = Blueprint("accounts", __name__)
ENROL_SECRET = "enrol_secret"
SIGN_IN_FAILED = ("The email address or password is not right, or the account is locked after too "
                  "many attempts. Check them and try again, or wait 10 minutes")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("10/minute", methods=["POST"])
@limiter.limit("30/hour", methods=["POST"], key_func=account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = operations.check_password(form.email.data, form.password.data)
        if user is not None:
            pending.remember(user, safe_next(form.next.data, ""))
            return redirect(url_for("accounts.second_factor"))
        form.password.errors.append(SIGN_IN_FAILED)
    expired = request.args.get("expired")
    return render_template("accounts/sign_in.html", form=form, expired=expired)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("10/minute", methods=["POST"])
@limiter.limit("10/hour", methods=["POST"], key_func=pending.code_limit_key)
def second_factor():
    user = pending.pending_user()
    if user is None:
        return redirect(url_for("accounts.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if operations.check_second_factor(user, form.code.data):
            target = safe_next(pending.pending_next(), url_for("accounts.home"))
            operations.complete_sign_in(user)
            return redirect(target)
        form.code.errors.append("The code is not right, or it has been used already. Enter the "
                                "code your authenticator app shows now")
    return render_template("accounts/code.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        operations.sign_out(current_user)
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/home")
@signed_in()
def home():
    # The page first, with what changed since the last look; then the mark moves to now.
    page = render_template("accounts/home.html")
    operations.looked_at_home(current_user)
    return page


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("20/hour", methods=["POST"])
def accept_invitation(token: str):
    invitation = operations.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="invitation"), 404
    secret = _enrolment_secret(invitation)
    form = AcceptInvitationForm()
    form.hints = lambda: (invitation.user.email, invitation.user.name)
    if form.validate_on_submit():
        try:
            codes = operations.accept_invitation(invitation, password=form.password.data,
                                                 secret=secret, code=form.code.data)
        except operations.Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            operations.complete_sign_in(invitation.user)
            return render_template("accounts/recovery_codes.html", codes=codes, first_time=True)
    uri = mfa.provisioning_uri(secret, invitation.user.email)
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation,
                           secret=secret, qr=mfa.qr_svg(uri))


def _enrolment_secret(invitation) -> str:
    """The secret belongs to this invitation: two people opening their links in one browser must
    not share an authenticator secret (nor see each other's)."""
    enrolling = session.get(ENROL_SECRET)
    if isinstance(enrolling, dict) and enrolling.get("invitation") == invitation.id:
        return enrolling["secret"]
    secret = mfa.new_secret()
    session[ENROL_SECRET] = {"invitation": invitation.id, "secret": secret}
    return secret


@bp.route("/password-reset", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("5/hour", methods=["POST"])
@limiter.limit("5/hour", methods=["POST"], key_func=account_key)
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        return redirect(url_for("accounts.reset_sent"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/password-reset/sent")
@public
def reset_sent():
    return render_template("accounts/reset_sent.html")


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
@csrf_in_form
@limiter.limit("10/hour", methods=["POST"])
def reset_password(token: str):
    reset = operations.find_password_reset(token)
    if reset is None:
        return render_template("accounts/link_invalid.html", what="password reset link"), 404
    form = ResetPasswordForm()
    form.hints = lambda: (reset.user.email, reset.user.name)
    if form.validate_on_submit():
        try:
            operations.reset_password(reset, form.password.data, form.code.data)
        except operations.Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@signed_in()
@csrf_in_form
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.phone = form.phone.data or None
        if current_user.organisation.kind is OrgKind.LAW_ENFORCEMENT:
            current_user.badge_number = form.badge_number.data or None
        audit.record("user.profile_changed", actor=current_user, subject=current_user)
        flash("Your details have been saved.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/profile/password", methods=["GET", "POST"])
@signed_in()
@csrf_in_form
def change_password():
    form = ChangePasswordForm()
    form.hints = lambda: (current_user.email, current_user.name)
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current_password.data, form.password.data)
        except operations.Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash("Your password has been changed. You have been signed out everywhere else.",
                  "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/profile/sessions")
@signed_in()
def your_sessions():
    return render_template("accounts/sessions.html", records=sessions.active(current_user),
                           this_one=sessions.current(), form=ConfirmForm())


@bp.route("/profile/sessions/sign-out-others", methods=["POST"])
@signed_in()
def sign_out_others():
    operations.sign_out_other_sessions(current_user)
    flash("You have signed out of your other sessions.", "success")
    return redirect(url_for("accounts.your_sessions"))


@bp.route("/profile/recovery-codes", methods=["POST"])
@signed_in()
@csrf_in_form
def new_recovery_codes():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    codes = operations.replace_recovery_codes(current_user)
    return render_template("accounts/recovery_codes.html", codes=codes, first_time=False)

"""Recording a person's revocation of consent: by their referring partner or a coordinator.

A page of the referral (its address, its access rule), so it lives with the referrals and records
through portal.consent: the arrow points down, and portal.consent knows nothing of referrals.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit
from portal.accounts.access import PARTNERS, allowed_to
from portal.consent import operations
from portal.consent.forms import RevocationForm
from portal.referrals import queries
from portal.web.dates import long_date
from portal.web.security import csrf_in_form

bp = Blueprint("consent", __name__, url_prefix="/referrals")


@bp.route("/<int:referral_id>/consent/revoke", methods=["GET", "POST"])
@allowed_to("record_revocation")
@csrf_in_form
def revoke(referral_id: int):
    referral, consent = queries.load_signed(current_user, referral_id)
    if request.method == "GET":
        audit.record("consent.revoke_form_viewed", actor=current_user, subject=referral)
    form = RevocationForm()
    if form.validate_on_submit():
        try:
            revocation = operations.record_revocation(
                current_user, consent, requested_on=form.requested_on.date,
                method=form.method.data, note=form.note.data, today=date.today())
        except operations.Refused as refused:
            form.form_errors.append(str(refused))
        else:
            flash(_recorded(revocation, consent), "success")
            return redirect(url_for("referrals.show", referral_id=referral.id)
                            if current_user.role in PARTNERS else url_for("accounts.home"))
    return render_template("consent/revoke.html", form=form, referral=referral, consent=consent)


def _recorded(revocation, consent) -> str:
    if consent.status.value == "revoked":
        return "The revocation is recorded. No more information will be shared."
    return (f"The revocation is recorded. This consent cannot be revoked before "
            f"{long_date(revocation.effective_on)} (the end of the intake period): it "
            "takes effect then, without anyone having to act. Coordinators see it as pending.")

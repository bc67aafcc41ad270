from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import db
from portal.accounts import operations as accounts
from portal.accounts.access import signed_in
from portal.accounts.models import Organisation, OrgKind, Role
from portal.admin import operations, queries
from portal.admin.forms import (
    AgenciesForm, DecisionForm, InviteForm, OrganisationForm, RoleForm, role_of,
)
from portal.audit.operations import record_refusal
from portal.errors import Refused
from portal.prosecutor import operations as prosecutor
from portal.prosecutor import queries as prosecutor_queries
from portal.public.models import AccessRequest
from portal.web.forms import ConfirmForm
from portal.web.security import csrf_in_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMINS = (Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN)


def _organisation_or_404(organisation_id: int):
    organisation = queries.organisation_for(current_user, organisation_id)
    if organisation is None:
        _refuse(("organisations", organisation_id))
    return organisation


def _user_or_404(user_id: int):
    user = queries.user_for(current_user, user_id)
    if user is None:
        _refuse(("users", user_id))
    return user


def _refuse(subject) -> None:
    """Out of scope (or absent): 404 with no hint, and an audit row (security.md: every refused
    access writes one), kept although the request rolls back."""
    record_refusal("access.refused", actor=current_user, subject=subject,
                   detail={"endpoint": request.endpoint})
    abort(404)


@bp.route("/organisations")
@signed_in(Role.PROGRAM_ADMIN)
def organisations():
    return render_template("admin/organisations.html", rows=queries.organisations_with_counts())


@bp.route("/organisations/new", methods=["GET", "POST"])
@signed_in(Role.PROGRAM_ADMIN)
@csrf_in_form
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(current_user, form.name.data,
                                                        OrgKind(form.kind.data))
        except accounts.Refused as refused:
            form.name.errors.append(refused.message)
        else:
            flash(f"{organisation.name} has been added. Now invite its first user.", "success")
            return redirect(url_for("admin.invite", organisation_id=organisation.id))
    return render_template("admin/new_organisation.html", form=form)


@bp.route("/organisations/<int:organisation_id>")
@signed_in(*ADMINS)
def organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    return _organisation_page(organisation, _agencies_form(organisation))


def _organisation_page(organisation: Organisation, agencies_form: AgenciesForm | None):
    return render_template("admin/organisation.html", organisation=organisation, now=db.utcnow(),
                           agencies_form=agencies_form)


def _agencies_form(organisation: Organisation, **data) -> AgenciesForm | None:
    """A prosecutor's office's linked police agencies, for program administrators."""
    if organisation.kind is not OrgKind.PROSECUTOR or current_user.role is not Role.PROGRAM_ADMIN:
        return None
    linked = [agency.id for agency in prosecutor_queries.agencies_of(organisation.id)]
    form = AgenciesForm(**data) if data else AgenciesForm(agencies=linked)
    return form.for_agencies(prosecutor_queries.police_agencies())


@bp.route("/organisations/<int:organisation_id>/agencies", methods=["POST"])
@signed_in(Role.PROGRAM_ADMIN)
@csrf_in_form
def link_agencies(organisation_id: int):
    office = _organisation_or_404(organisation_id)
    form = _agencies_form(office, formdata=request.form) or _refuse(("organisations", office.id))
    if form.validate_on_submit():
        try:
            prosecutor.link_agencies(current_user, office, set(form.agencies.data or ()))
        except Refused as refused:
            form.agencies.errors.append(refused.message)
        else:
            flash(f"{office.name} now receives the arrest diversions of the agencies ticked.",
                  "success")
            return redirect(url_for("admin.organisation", organisation_id=office.id))
    return _organisation_page(office, form)


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@signed_in(*ADMINS)
@csrf_in_form
def invite(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    form = InviteForm().for_kind(organisation.kind)
    if form.validate_on_submit():
        try:
            link = accounts.invite_user(
                current_user, organisation, name=form.name.data, email=form.email.data,
                role=role_of(form), phone=form.phone.data, badge_number=form.badge_number.data)
        except accounts.Refused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            return render_template("admin/invited.html", link=link, name=form.name.data,
                                   organisation=organisation)
    return render_template("admin/invite.html", form=form, organisation=organisation)


@bp.route("/users/<int:user_id>")
@signed_in(*ADMINS)
def user(user_id: int):
    person = _user_or_404(user_id)
    return render_template("admin/user.html", person=person, now=db.utcnow(),
                           role_form=RoleForm(role=person.role.value).for_kind(person.organisation.kind))


@bp.route("/users/<int:user_id>/<any(disable, enable, unlock, reinvite):action>", methods=["POST"])
@signed_in(*ADMINS)
@csrf_in_form
def user_action(user_id: int, action: str):
    person = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    verbs = {"disable": accounts.disable_user, "enable": accounts.enable_user,
             "unlock": accounts.unlock_user, "reinvite": accounts.reinvite}
    try:
        link = verbs[action](current_user, person)
    except accounts.Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.user", user_id=person.id))
    if action == "reinvite":
        return render_template("admin/invited.html", link=link, name=person.name,
                               organisation=person.organisation)
    flash({"disable": "The account is disabled and every session of it has ended.",
           "enable": "The account is enabled again.", "unlock": "The account is unlocked."}[action],
          "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@signed_in(*ADMINS)
@csrf_in_form
def change_role(user_id: int):
    person = _user_or_404(user_id)
    form = RoleForm().for_kind(person.organisation.kind)
    if form.validate_on_submit():
        try:
            accounts.change_role(current_user, person, role_of(form))
        except accounts.Refused as refused:
            form.role.errors.append(refused.message)
        else:
            flash(f"{person.name} is now {person.role.label.lower()}.", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, now=db.utcnow(), role_form=form,
                           form=form)


@bp.route("/access-requests")
@signed_in(Role.PROGRAM_ADMIN)
def access_requests():
    return render_template("admin/access_requests.html", pending=queries.pending_access_requests(),
                           decided=queries.decided_access_requests())


@bp.route("/access-requests/<int:request_id>", methods=["GET", "POST"])
@signed_in(Role.PROGRAM_ADMIN)
@csrf_in_form
def access_request(request_id: int):
    access = db.session().get(AccessRequest, request_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if request.form.get("decision") == "approve":
                link = operations.approve_access_request(current_user, access)
                return render_template("admin/invited.html", link=link, name=access.contact_name,
                                       organisation=db.session().get(Organisation,
                                                                     access.organisation_id))
            operations.reject_access_request(current_user, access)
            flash("The request has been rejected.", "success")
            return redirect(url_for("admin.access_requests"))
        except accounts.Refused as refused:
            db.session().rollback()  # nothing half-made stays: no organisation without its user
            form.form_errors.append(refused.message)
    return render_template("admin/access_request.html", access=access, form=form)

"""The partner's pages: start, question pages, check your answers, submit, dashboard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import RadioField

from portal import audit, db
from portal.accounts.access import allowed_to, refuse
from portal.consent.texts import default_texts
from portal.referrals import operations, presenter, queries, steps
from portal.referrals.answers import of
from portal.referrals.disclosure import consent_ended_for
from portal.referrals.pages import partner_page
from portal.referrals.forms import AnswerForm, CheckForm, WithdrawForm
from portal.referrals.standing import standing_of
from portal.referrals.states import PARTNER, Status, allowed
from portal.web.forms import ConfirmForm, required
from portal.web.security import csrf_in_form

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


def _ruleset():
    return current_app.extensions["portal.ruleset"]


def _sent_by_me(referral_id: int):
    """The current user's own referral, already sent: a page of it sent again (a double click, a
    retry, the browser's Back) is no refused access, and must make nothing."""
    sent = queries.referral_for(current_user, referral_id)
    if sent is not None and sent.status is not Status.DRAFT and sent.referrer_id == current_user.id:
        return sent
    return None


@bp.route("/new", methods=["GET", "POST"])
@allowed_to("refer")
@csrf_in_form
def new():
    routes = _ruleset().routes_for(current_user.organisation.kind.value)
    form = _route_form(routes)
    if form.validate_on_submit():
        referral = operations.start_referral(current_user, form.route.data, _ruleset())
        db.session().flush()
        return redirect(url_for("referrals.step", referral_id=referral.id, slug="referrer"))
    return render_template("referrals/new.html", form=form, routes=routes)


def _route_form(routes) -> ConfirmForm:
    class RouteForm(ConfirmForm):
        route = RadioField("Which kind of referral?", choices={r.code: r.label for r in routes},
                           invalid_choice_message="Select a kind of referral your organisation "
                                                  "can make",
                           validators=[required("the kind of referral", verb="Select")])

    return RouteForm()


@bp.route("/<int:referral_id>/<slug>", methods=["GET", "POST"])
@allowed_to("refer")
@csrf_in_form
def step(referral_id: int, slug: str):
    if sent := _sent_by_me(referral_id):
        flash("This referral has been sent: its answers can no longer be changed.", "error")
        return redirect(url_for("referrals.show", referral_id=sent.id))
    referral = queries.load_draft(current_user, referral_id)
    page = steps.step_for(referral.route, slug) or abort(404)
    visit = _visit(referral)
    form = _form_for(page, visit)
    if form.validate_on_submit():
        operations.save_step(current_user, referral, slug, form.dump())
        return redirect(_after(referral, page))
    return _render_step(page, visit, form)


def _visit(referral) -> steps.Visit:
    language = request.args.get("language") or request.form.get("language")
    return steps.Visit(referral=referral, answers=of(referral), user=current_user,
                       ruleset=_ruleset(), settings=current_app.extensions["portal.settings"],
                       texts=default_texts(), today=date.today(), language=language)


def _form_for(page: steps.Step, visit: steps.Visit):
    stored = visit.answers.page(page.slug)
    if stored is None and page.defaults:
        stored = page.defaults(visit)
    form = page.form_class(visit.ruleset)(data=stored)
    form.context = visit.form_context()
    if page.prepare:
        page.prepare(form, visit)
    return form


def _after(referral, page: steps.Step) -> str:
    following = steps.next_step(referral.route, page.slug)
    if request.args.get("return") == "check" or following is None:
        return url_for("referrals.check", referral_id=referral.id)
    return url_for("referrals.step", referral_id=referral.id, slug=following.slug)


def _render_step(page: steps.Step, visit: steps.Visit, form):
    referral = visit.referral
    previous = steps.previous_step(referral.route, page.slug)
    back = (url_for("referrals.check", referral_id=referral.id)
            if request.args.get("return") == "check" else
            url_for("referrals.step", referral_id=referral.id, slug=previous.slug) if previous
            else url_for("referrals.dashboard"))
    extra = page.view(form, visit) if page.view else {}
    return render_template(f"referrals/steps/{page.template}.html", form=form, page=page,
                           referral=referral, back=back, **extra)


@bp.route("/<int:referral_id>/check", methods=["GET", "POST"])
@allowed_to("refer")
@csrf_in_form
def check(referral_id: int):
    if sent := _sent_by_me(referral_id):
        # A second press, a browser retry or the page sent again: the first made the referral.
        return redirect(url_for("referrals.confirmation", referral_id=sent.id))
    referral = queries.load_draft(current_user, referral_id)
    checked = operations.check_submission(referral, ruleset=_ruleset(), texts=default_texts(),
                                          today=date.today())
    form = CheckForm(data={"partner_note": referral.partner_note})
    if not checked.sendable:
        del form.partner_note  # no form on the page: a note posted anyway is not checked
    elif form.validate_on_submit():
        if not (checked.note_required and not form.partner_note.data):
            return _submit(referral, form.partner_note.data)
        form.partner_note.errors.append(operations.NOTE_REQUIRED)
    return render_template("referrals/check.html", referral=referral, form=form, check=checked,
                           minimum_age=_ruleset().minimum_age,
                           sections=presenter.sections(checked.answers, _ruleset(),
                                                       _change_url(referral)))


def _change_url(referral):
    return lambda slug: url_for("referrals.step", referral_id=referral.id, slug=slug,
                                **{"return": "check"})


def _submit(referral, note: str | None):
    try:
        operations.submit_referral(current_user, referral, ruleset=_ruleset(),
                                   texts=default_texts(), today=date.today(), partner_note=note)
    except operations.AlreadySubmitted:
        db.session().rollback()
    return redirect(url_for("referrals.confirmation", referral_id=referral.id))


@bp.route("/<int:referral_id>/confirmation")
@allowed_to("refer")
def confirmation(referral_id: int):
    referral = queries.load(current_user, referral_id)
    if referral.status is Status.DRAFT:
        return redirect(url_for("referrals.check", referral_id=referral.id))
    audit.record("referral.confirmation_viewed", actor=current_user, subject=referral)
    consent, today = queries.consent_of(referral), date.today()
    return render_template("referrals/confirmation.html", referral=referral, consent=consent,
                           today=today, standing=standing_of(referral, consent, today))


@bp.route("/")
@allowed_to("refer")
def dashboard():
    referrals = queries.dashboard(current_user)
    audit.record("referrals.dashboard_viewed", actor=current_user)
    return render_template("referrals/dashboard.html", referrals=referrals,
                           ended=consent_ended_for([r.id for r in referrals], date.today()),
                           resume=lambda r: steps.first_unanswered(of(r)))


@bp.route("/<int:referral_id>")
@allowed_to("refer")
def show(referral_id: int):
    referral = queries.load(current_user, referral_id)
    if referral.status is Status.DRAFT and referral.referrer_id == current_user.id:
        resume = steps.first_unanswered(of(referral))
        target = (url_for("referrals.step", referral_id=referral.id, slug=resume.slug) if resume
                  else url_for("referrals.check", referral_id=referral.id))
        return redirect(target)
    audit.record("referral.viewed", actor=current_user, subject=referral)
    return _render_show(referral)


@bp.route("/<int:referral_id>/discard", methods=["POST"])
@allowed_to("refer")
@csrf_in_form
def discard(referral_id: int):
    referral = queries.load(current_user, referral_id)
    if referral.status is not Status.DRAFT:
        refuse(("referrals", referral_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.discard_draft(current_user, referral)
    flash("The draft has been discarded.", "success")
    return redirect(url_for("referrals.dashboard"))


@bp.route("/<int:referral_id>/withdraw", methods=["POST"])
@allowed_to("refer")
@csrf_in_form
def withdraw(referral_id: int):
    referral = queries.load(current_user, referral_id)
    if not allowed(referral.status, Status.WITHDRAWN, PARTNER):
        # Decided (or already withdrawn): no form to correct, whatever was posted.
        flash(f"A referral that is {referral.status.label.lower()} cannot be withdrawn.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_show(referral, withdraw_form=form)
    try:
        operations.withdraw(current_user, referral, form.reason.data)
    except operations.Refused as refused:
        flash(str(refused), "error")
    else:
        flash("The referral has been withdrawn.", "success")
    return redirect(url_for("referrals.show", referral_id=referral.id))


@bp.route("/<int:referral_id>/answer", methods=["POST"])
@allowed_to("refer")
@csrf_in_form
def answer(referral_id: int):
    referral = queries.load(current_user, referral_id)
    question = queries.open_request(referral)
    if question is None or referral.status is not Status.NEEDS_INFORMATION:
        flash("There is no open question on this referral.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_show(referral, answer_form=form)
    operations.answer_request(current_user, referral, question, form.answer.data)
    flash("Your answer has been sent. The referral is back with the coordinator.", "success")
    return redirect(url_for("referrals.show", referral_id=referral.id))


def _render_show(referral, **forms):
    """The referral's page, showing only the parts this partner may see; ``forms`` replaces a
    blank form by one with errors to show."""
    chosen = {"withdraw_form": WithdrawForm(formdata=None), "answer_form": AnswerForm(formdata=None),
              **forms}
    return render_template("referrals/show.html", referral=referral, today=date.today(),
                           form=next(iter(forms.values()), None),
                           **partner_page(current_user, referral, _ruleset(), date.today()),
                           **chosen)

"""The partner's pages: start, question pages, check your answers, submit, dashboard."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import RadioField

from portal import audit, db
from portal.accounts.access import allowed_to, refuse
from portal.consent.texts import default_texts
from portal.errors import Refused
from portal.referrals import corrections, drafts, operations, presenter, queries, steps
from portal.referrals.answers import ABOUT, ABOUT_PAGES, of
from portal.referrals.disclosure import consent_ended_for
from portal.referrals.pages import partner_page
from portal.referrals.forms import AnswerForm, CheckForm, WithdrawForm
from portal.referrals.standing import standing_of
from portal.referrals.states import PARTNER, Status, allowed
from portal.web.forms import EXPIRED, ConfirmForm, required
from portal.web.security import csrf_in_form, csrf_issued_here

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
    if len(routes) == 1 and request.method == "GET":
        # Nothing to choose: straight to the questions (an empty draft already started is
        # reused, so that reloading this page, or a prefetch, does not pile up drafts).
        return _begin(operations.empty_draft(current_user, routes[0].code, _ruleset()))
    form = _route_form(routes)
    if form.validate_on_submit():
        return _begin(operations.start_referral(current_user, form.route.data, _ruleset()))
    return render_template("referrals/new.html", form=form, routes=routes)


def _begin(referral):
    db.session().flush()
    first = steps.first_unanswered(of(referral))
    return redirect(url_for("referrals.step", referral_id=referral.id, slug=first.slug))


def _route_form(routes) -> ConfirmForm:
    class RouteForm(ConfirmForm):
        route = RadioField("Which kind of referral?", choices={r.code: r.label for r in routes},
                           invalid_choice_message="Select a kind of referral your organization "
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
    if slug in ABOUT_PAGES:  # a page folded into "about" (a bookmark, an old link)
        return redirect(url_for("referrals.step", referral_id=referral.id, slug=ABOUT,
                                **request.args))
    page = steps.step_for(referral.route, slug) or abort(404)
    visit = _visit(referral)
    if request.method == "POST":
        return _post_step(page, visit)
    return _render_step(page, visit, _form_for(page, visit))


def _post_step(page: steps.Step, visit: steps.Visit):
    """Saved and on to the next page; or kept as posted and shown again by redirect, so that
    the browser's Back and Reload never post it again (nothing typed is lost either way)."""
    referral, form = visit.referral, _form_for(page, visit)
    if form.validate_on_submit():
        operations.save_step(current_user, referral, page.slug, form.dump())
        return redirect(_after(referral, page))
    expired = bool(form.csrf_token.errors)
    if expired and not csrf_issued_here(request.form.get("csrf_token")):
        return _render_step(page, visit, form)  # no page of ours: keep nothing it carries
    drafts.keep(referral, page.slug, request.form, drafts.EXPIRED if expired else drafts.REFUSED)
    return redirect(_same_page(referral, page), code=303)


def _same_page(referral, page: steps.Step) -> str:
    args = dict(request.args)
    if page.template == "consent" and request.form.get("language"):
        args["language"] = request.form["language"]  # the text the person was reading
    return url_for("referrals.step", referral_id=referral.id, slug=page.slug, **args)


def _visit(referral, answers=None) -> steps.Visit:
    language = request.args.get("language") or request.form.get("language")
    settings = current_app.extensions["portal.settings"]
    return steps.Visit(referral=referral, answers=answers or of(referral), user=current_user,
                       ruleset=_ruleset(), settings=settings, texts=default_texts(),
                       today=date.today(), language=language,
                       now=datetime.now(ZoneInfo(settings.timezone)))


def _form_for(page: steps.Step, visit: steps.Visit):
    """The page's form: as posted; or, shown again, as last posted (with what was wrong with
    it); or from the saved answers, or the page's defaults."""
    kept = drafts.kept(visit.referral, page.slug) if request.method == "GET" else None
    form_class = page.form_class(visit.ruleset)
    if kept:
        form = form_class(formdata=kept.form, meta={"csrf": False})
    else:
        stored = visit.answers.page(page.slug)
        form = form_class(data=stored if stored is not None or not page.defaults
                          else page.defaults(visit))
    form.context = visit.form_context()
    if kept:
        _check_again(form, kept)  # as posted: not prepared again (the consent's text shown)
    elif page.prepare:
        page.prepare(form, visit)
    return form


def _check_again(form, kept) -> None:
    form.validate()
    if kept.why != drafts.REFUSED:  # not sent in time: said, whether or not all is right
        form.form_errors.append(EXPIRED)


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
    try:
        corrections.send_reply(current_user, referral, question, form.answer.data,
                               ruleset=_ruleset(), today=date.today())
    except Refused as refused:
        db.session().rollback()
        flash(str(refused), "error")
    else:
        flash("Your answer has been sent. The referral is back with the coordinator.", "success")
    return redirect(url_for("referrals.show", referral_id=referral.id))


@bp.route("/<int:referral_id>/correct/<slug>", methods=["GET", "POST"])
@allowed_to("refer")
@csrf_in_form
def correct(referral_id: int, slug: str):
    """A page the coordinator ticked, in the step's own form, saved on the open request."""
    referral, asked, page = corrections.correction_for(current_user, referral_id, slug,
                                                       date.today())
    visit = _visit(referral, corrections.corrected_answers(referral, asked))
    form = _form_for(page, visit)
    if form.validate_on_submit():
        try:
            corrections.save_correction(current_user, referral, asked, slug, form.dump())
        except Refused as refused:
            form[refused.field].errors.append(str(refused))
        else:
            flash(f"Your correction of “{page.title}” is saved. It is sent with your answer.",
                  "success")
            return redirect(url_for("referrals.show", referral_id=referral.id) + "#reply")
    return _render_correction(page, visit, form)


def _render_correction(page: steps.Step, visit: steps.Visit, form):
    """The step's own template, in its correction wrapper (heading and button of its own).
    It shows a sent referral's answers: audited, as its page is."""
    audit.record("referral.correction_viewed", actor=current_user, subject=visit.referral,
                 detail={"page": page.slug})
    extra = page.view(form, visit) if page.view else {}
    return render_template("referrals/correct.html", form=form, page=page,
                           referral=visit.referral, step_template=page.template,
                           back=url_for("referrals.show", referral_id=visit.referral.id) + "#reply",
                           **extra)


def _render_show(referral, **forms):
    """The referral's page, showing only the parts this partner may see; ``forms`` replaces a
    blank form by one with errors to show."""
    chosen = {"withdraw_form": WithdrawForm(formdata=None), "answer_form": AnswerForm(formdata=None),
              **forms}
    return render_template("referrals/show.html", referral=referral, today=date.today(),
                           form=next(iter(forms.values()), None),
                           **partner_page(current_user, referral, _ruleset(), date.today()),
                           **chosen)

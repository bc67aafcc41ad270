"""The partner's pages: start, question pages, check your answers, submit, dashboard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, db
from portal.accounts.access import signed_in
from portal.audit.operations import record_refusal
from portal.consent.texts import default_texts, signature_matches
from portal.referrals import operations, queries, steps, summary
from portal.referrals.charges import grouped
from portal.referrals.facts import screen_answers
from portal.referrals.forms import AnswerForm, CheckForm, WithdrawForm
from portal.referrals.states import PARTNER, Status, allowed
from portal.web.forms import ConfirmForm, required
from portal.web.security import csrf_in_form
from wtforms import RadioField

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
PARTNERS = queries.PARTNERS


def _ruleset():
    return current_app.extensions["portal.ruleset"]


def _not_found(referral_id: int):
    record_refusal("access.refused", actor=current_user, subject=("referrals", referral_id),
                   detail={"endpoint": request.endpoint})
    abort(404)


def _draft_or_404(referral_id: int):
    return queries.draft_for(current_user, referral_id) or _not_found(referral_id)


def _referral_or_404(referral_id: int):
    return queries.referral_for(current_user, referral_id) or _not_found(referral_id)


def _sent_by_me(referral_id: int):
    """The current user's own referral, already sent: a page of it sent again (a double click, a
    retry, the browser's Back) is no refused access, and must make nothing."""
    sent = queries.referral_for(current_user, referral_id)
    if sent is not None and sent.status is not Status.DRAFT and sent.referrer_id == current_user.id:
        return sent
    return None


@bp.route("/new", methods=["GET", "POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def new():
    routes = _ruleset().routes_for(current_user.organisation.kind.value)

    class RouteForm(ConfirmForm):
        route = RadioField("Which kind of referral?", choices={r.code: r.label for r in routes},
                           invalid_choice_message="Select a kind of referral your organisation "
                                                  "can make",
                           validators=[required("the kind of referral", verb="Select")])

    form = RouteForm()
    if form.validate_on_submit():
        referral = operations.start_referral(current_user, form.route.data, _ruleset())
        db.session().flush()
        return redirect(url_for("referrals.step", referral_id=referral.id, slug="referrer"))
    return render_template("referrals/new.html", form=form, routes=routes)


@bp.route("/<int:referral_id>/<slug>", methods=["GET", "POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def step(referral_id: int, slug: str):
    if sent := _sent_by_me(referral_id):
        flash("This referral has been sent: its answers can no longer be changed.", "error")
        return redirect(url_for("referrals.show", referral_id=sent.id))
    referral = _draft_or_404(referral_id)
    page = steps.step_for(referral.route, slug) or abort(404)
    form = _form_for(referral, page)
    if form.validate_on_submit():
        operations.save_step(current_user, referral, slug, form.dump())
        following = steps.next_step(referral.route, slug)
        if request.args.get("return") == "check" or following is None:
            return redirect(url_for("referrals.check", referral_id=referral.id))
        return redirect(url_for("referrals.step", referral_id=referral.id, slug=following.slug))
    return _render_step(referral, page, form)


def _form_for(referral, page):
    stored = referral.answers.get(page.slug)
    if stored is None and page.slug == "referrer":
        stored = operations.referrer_defaults(current_user)
    form = page.form_class(_ruleset())(data=stored)
    form.context = _context(referral, page.slug)
    if page.slug == "concerns":
        form.for_ruleset(_ruleset())
    if page.slug == "consent" and not form.is_submitted():
        text = _consent_text(referral)
        form.text_id.data, form.language.data = text.id, text.language
        form.signed_on.data = form.signed_on.data or date.today().strftime("%-m/%-d/%Y")
    return form


def _context(referral, slug: str) -> dict:
    answers, today = referral.answers, date.today()
    return {
        "officer": current_user.organisation.kind.value == "law_enforcement",
        "contact_date": steps.contact_date(referral.route, answers, today),
        "minimum_age": _ruleset().minimum_age,
        "legal_name": answers.get("person", {}).get("legal_name", ""),
        "signature_matches": signature_matches,
        "texts": default_texts(),
        "route": referral.route,
    }


def _consent_text(referral):
    """In the person's language where there is a text in it; the partner may switch."""
    preferred = referral.answers.get("person", {}).get("language")
    language = request.args.get("language") or request.form.get("language") or preferred
    return default_texts().current(referral.route, language if language in {"en", "es"} else "en")


def _render_step(referral, page, form):
    previous = steps.previous_step(referral.route, page.slug)
    back = (url_for("referrals.check", referral_id=referral.id)
            if request.args.get("return") == "check" else
            url_for("referrals.step", referral_id=referral.id, slug=previous.slug) if previous
            else url_for("referrals.dashboard"))
    extra = {}
    if page.slug in {"charges", "conduct"}:
        extra["groups"] = grouped(form, _ruleset())
    if page.slug == "consent":
        extra.update(_consent_view(referral))
    return render_template(f"referrals/steps/{_template(page.slug)}.html", form=form, page=page,
                           referral=referral, back=back, **extra)


def _template(slug: str) -> str:
    return {"charges": "charges", "conduct": "charges", "consent": "consent"}.get(slug, "generic")


def _consent_view(referral) -> dict:
    text = _consent_text(referral)
    values = {"person_name": referral.answers.get("person", {}).get("legal_name", "the person"),
              "referring_organisation": referral.organisation.name,
              "program_name": current_app.extensions["portal.settings"].program_name,
              "intake_deadline_days": _ruleset().route(referral.route).intake_deadline_days or ""}
    other = "es" if text.language == "en" else "en"
    return {"text": text, "sections": text.render(**values), "other_language": other}


@bp.route("/<int:referral_id>/check", methods=["GET", "POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def check(referral_id: int):
    if sent := _sent_by_me(referral_id):
        # A second press, a browser retry or the page sent again: the first made the referral.
        return redirect(url_for("referrals.confirmation", referral_id=sent.id))
    referral = _draft_or_404(referral_id)
    missing = [s for s in steps.steps_for(referral.route) if s.slug not in referral.answers]
    facts, result, problem = screen_answers(referral.route, referral.organisation.kind.value,
                                            referral.answers, _ruleset(), date.today())
    form = CheckForm(data={"partner_note": referral.partner_note})
    blocked = result is not None and operations.blocks_submission(result)
    sendable = not missing and result is not None and not blocked
    if not sendable:
        del form.partner_note  # no form on the page: a note posted anyway is not checked
    if form.validate_on_submit() and sendable:
        if result.decision == "ineligible" and not form.partner_note.data:
            form.partner_note.errors.append(
                "Enter a note for the coordinator saying why this referral should be reviewed")
        else:
            return _submit(referral, form.partner_note.data)
    return render_template("referrals/check.html", referral=referral, form=form, result=result,
                           missing=missing, problem=problem, blocked=blocked,
                           minimum_age=_ruleset().minimum_age,
                           sections=summary.sections(referral, _ruleset()))


def _submit(referral, note: str | None):
    try:
        operations.submit_referral(current_user, referral, ruleset=_ruleset(),
                                   texts=default_texts(), today=date.today(), partner_note=note)
    except operations.AlreadySubmitted:
        db.session().rollback()
    return redirect(url_for("referrals.confirmation", referral_id=referral.id))


@bp.route("/<int:referral_id>/confirmation")
@signed_in(*PARTNERS)
def confirmation(referral_id: int):
    referral = _referral_or_404(referral_id)
    if referral.status is Status.DRAFT:
        return redirect(url_for("referrals.check", referral_id=referral.id))
    return render_template("referrals/confirmation.html", referral=referral)


@bp.route("/")
@signed_in(*PARTNERS)
def dashboard():
    return render_template("referrals/dashboard.html", referrals=queries.dashboard(current_user),
                           resume=lambda r: steps.first_unanswered(r.route, r.answers))


@bp.route("/<int:referral_id>")
@signed_in(*PARTNERS)
def show(referral_id: int):
    referral = _referral_or_404(referral_id)
    if referral.status is Status.DRAFT and referral.referrer_id == current_user.id:
        resume = steps.first_unanswered(referral.route, referral.answers)
        target = (url_for("referrals.step", referral_id=referral.id, slug=resume.slug) if resume
                  else url_for("referrals.check", referral_id=referral.id))
        return redirect(target)
    audit.record("referral.viewed", actor=current_user, subject=referral)
    return _render_show(referral)


@bp.route("/<int:referral_id>/discard", methods=["POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def discard(referral_id: int):
    referral = queries.referral_for(current_user, referral_id)
    if referral is None or referral.status is not Status.DRAFT:
        _not_found(referral_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.discard_draft(current_user, referral)
    flash("The draft has been discarded.", "success")
    return redirect(url_for("referrals.dashboard"))


@bp.route("/<int:referral_id>/withdraw", methods=["POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def withdraw(referral_id: int):
    referral = _referral_or_404(referral_id)
    if not allowed(referral.status, Status.WITHDRAWN, PARTNER):
        # Decided (or already withdrawn): no form to correct, whatever was posted.
        flash(f"A referral that is {referral.status.label.lower()} cannot be withdrawn.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            operations.withdraw(current_user, referral, form.reason.data)
        except operations.Refused as refused:
            flash(str(refused), "error")
        else:
            flash("The referral has been withdrawn.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    return _render_show(referral, withdraw_form=form)


@bp.route("/<int:referral_id>/answer", methods=["POST"])
@signed_in(*PARTNERS)
@csrf_in_form
def answer(referral_id: int):
    referral = _referral_or_404(referral_id)
    question = queries.open_request(referral)
    if question is None or referral.status is not Status.NEEDS_INFORMATION:
        flash("There is no open question on this referral.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = AnswerForm()
    if form.validate_on_submit():
        operations.answer_request(current_user, referral, question, form.answer.data)
        flash("Your answer has been sent. The referral is back with the coordinator.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    return _render_show(referral, answer_form=form)


def _render_show(referral, **forms):
    """The referral's page; ``forms`` replaces a blank form by one with errors to show."""
    chosen = {"withdraw_form": WithdrawForm(formdata=None), "answer_form": AnswerForm(formdata=None),
              **forms}
    return render_template("referrals/show.html", referral=referral,
                           screening=queries.latest_screening(referral),
                           consent=queries.consent_of(referral), today=date.today(),
                           request_open=queries.open_request(referral),
                           requests=queries.requests(referral),
                           # Only the author edits a draft, on its own pages: no Change links.
                           sections=summary.sections(referral, _ruleset(), editable=False),
                           form=next(iter(forms.values()), None), **chosen)

"""The coordinators' pages: the queue, the referral, and the decisions."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms import TextAreaField

from portal import audit, db
from portal.accounts.access import allowed_to
from portal.accounts.models import User
from portal.errors import Refused
from portal.referrals import presenter
from portal.referrals.corrections import correctable_steps
from portal.referrals import queries as referral_queries
from portal.referrals.answers import of
from portal.review import duplicates, filter_markup, listing, operations, queries, versions
from portal.review.forms import (
    AcceptForm, ActionForm, DeclineForm, ExtendDeadlineForm, IntakeForm, NoteForm,
    QueueFilterForm, ReassignForm, RequestInformationForm,
)
from portal.web.forms import ConfirmForm
from portal.web.security import csrf_in_form
from portal.web.urls import fixed_url

bp = Blueprint("review", __name__, url_prefix="/review")


def _ruleset():
    return current_app.extensions["portal.ruleset"]


@bp.route("/")
@allowed_to("review")
def queue():
    counts, partners = queries.counts_and_partners()
    form = _filter_form(partners)
    found, next_url = _page(_criteria(form))
    today = date.today()
    rows = listing.queue_rows(found, today, route_labels=_ruleset().route_labels,
                              duplicates={r.id for r in found if r.possible_duplicate},
                              back_suffix=_back_suffix(),
                              consent_flags=queries.consent_flags(found, today))
    return render_template("review/queue.html", form=form, next_url=next_url, rows=rows,
                           counts=counts, queue_url=fixed_url("review.queue"),
                           filters=filter_markup.fields(form))


def _page(criteria: queries.QueueFilter):
    """One page of rows, and the link to the next one if there is one."""
    after = queries.Cursor.decode(request.args.get("after"))
    # One row more than a page, to know whether there is a next page (no link to an empty one).
    rows = queries.queue(current_user, criteria, date.today(), after, queries.PAGE_SIZE + 1)
    more, rows = len(rows) > queries.PAGE_SIZE, rows[:queries.PAGE_SIZE]
    if not more:
        return rows, None
    args = {k: v for k, v in request.args.items() if k != "after"}
    return rows, url_for("review.queue", after=queries.cursor_after(rows[-1]).encode(), **args)


def _back_suffix() -> str:
    """Added to each referral's link in the queue: its page links back to this very list."""
    listed = request.query_string.decode("latin-1")
    return "?" + urlencode({"back": listed}) if listed else ""


def _back_url() -> str:
    """The list the referral was opened from: only a query string of the queue is taken, so a
    crafted link cannot send the coordinator elsewhere."""
    listed = request.args.get("back", "")
    return url_for("review.queue") + ("?" + listed if listed and "#" not in listed else "")


def _filter_form(partners: list) -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    form.status.choices = ({"": "Any open (any, in a search)"}
                           | {s.value: s.label for s in queries.LISTED_STATUSES})
    form.route.choices = {"": "Any"} | {r.code: r.label for r in _ruleset().routes}
    form.partner.choices = {"": "Any"} | {str(o.id): o.name for o in partners}
    return form


def _criteria(form: QueueFilterForm) -> queries.QueueFilter:
    """The valid filters apply; one unknown value (shown as an error) does not drop the others."""
    form.validate()

    def chosen(field) -> str:
        return "" if field.errors else field.data or ""

    partner = chosen(form.partner)
    return queries.QueueFilter(status=chosen(form.status), route=chosen(form.route),
                               screening=chosen(form.screening),
                               partner=int(partner) if partner else None,
                               claimed=chosen(form.claimed), overdue=chosen(form.overdue) == "1",
                               q=chosen(form.q))


@bp.route("/claim-next", methods=["POST"])
@allowed_to("review")
@csrf_in_form
def claim_next():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    referral = operations.claim_next(current_user)
    if referral is None:
        flash("Nothing left to claim: every open referral is being worked on.", "info")
        return redirect(url_for("review.queue"))
    flash(f"You are now working on {referral.reference}.", "success")
    return redirect(url_for("review.referral", referral_id=referral.id))


def _referral_or_404(referral_id: int):
    return referral_queries.load(current_user, referral_id)


@bp.route("/referrals/<int:referral_id>")
@allowed_to("review")
def referral(referral_id: int):
    item = _referral_or_404(referral_id)
    audit.record("referral.viewed", actor=current_user, subject=item)
    return _render(item)


def _render(item, status: int = 200, **forms):
    """The referral page; ``forms`` replaces a blank form by the one with errors (a form of
    another package's section, such as casework's, is handed to the page as it is)."""
    blank = {"accept_form": AcceptForm, "decline_form": DeclineForm,
             "request_form": RequestInformationForm, "intake_form": IntakeForm,
             "extend_form": ExtendDeadlineForm,
             "reassign_form": ReassignForm, "note_form": NoteForm, "action_form": ActionForm}
    chosen = {name: forms.get(name) or cls(formdata=None) for name, cls in blank.items()}
    chosen["decline_form"].for_ruleset(_ruleset())
    chosen["request_form"].for_pages(correctable_steps(item.route))
    chosen["reassign_form"].coordinator.choices = {u.id: u.name for u in queries.coordinators()}
    shown = next(iter(forms.values()), None)
    return render_template(
        "review/referral.html", referral=item, today=date.today(), form=shown,
        deadline=queries.Deadline.running(item, date.today()),
        screening=referral_queries.latest_screening(item),
        consent=referral_queries.consent_of(item), requests=referral_queries.requests(item),
        notes=queries.notes(item), history=queries.history(item),
        extensions=queries.extensions(item),
        matches=duplicates.possible_matches(item), may_act=operations.may_act(current_user, item),
        back_url=_back_url(), versions=versions.compare(item, _ruleset()),
        sections=presenter.sections(of(item), _ruleset()), ruleset=_ruleset(),
        **(forms | chosen)), status


ACTIONS = {
    "claim": (ActionForm, lambda f, r: operations.claim(current_user, r, f.version.data),
              "You are now working on this referral."),
    "release": (ActionForm, lambda f, r: operations.release(current_user, r, f.version.data),
                "You have released the referral: it is back in the queue, unclaimed."),
    "accept": (AcceptForm, lambda f, r: operations.accept(
        current_user, r, f.version.data, f.justification.data, f.message.data,
        past_deadline=f.past_deadline.data), "The referral is accepted."),
    "decline": (DeclineForm, lambda f, r: operations.decline(
        current_user, r, f.version.data, reason=f.reason.data, declined_by=f.declined_by.data,
        note=f.note.data, message=f.message.data), "The referral is declined."),
    "request-information": (RequestInformationForm, lambda f, r: operations.request_information(
        current_user, r, f.version.data, f.question.data, f.context.data, f.pages.data),
        "Your question has been sent to the partner."),
    "intake": (IntakeForm, lambda f, r: operations.record_intake(
        current_user, r, f.version.data, f.completed_on.date if f.outcome.data == "completed"
        else None), "The intake is recorded."),
    "extend-deadline": (ExtendDeadlineForm, lambda f, r: operations.extend_deadline(
        current_user, r, f.version.data, f.new_deadline.date, f.reason.data, date.today()),
        "The intake deadline is extended."),
    "reassign": (ReassignForm, lambda f, r: operations.reassign(
        current_user, r, f.version.data, db.session().get(User, f.coordinator.data) or abort(400),
        f.note.data), "The referral is reassigned."),
    "ask-reassign": (ActionForm, lambda f, r: operations.ask_to_reassign(
        current_user, r, f.version.data),
        "Your request is noted on the referral for the program administrators."),
}
FORM_NAMES = {"claim": "action_form", "release": "action_form", "accept": "accept_form",
              "decline": "decline_form", "request-information": "request_form",
              "intake": "intake_form", "extend-deadline": "extend_form",
              "reassign": "reassign_form",
              "ask-reassign": "action_form"}


@bp.route("/referrals/<int:referral_id>/<any(claim, release, accept, decline, "
          "\"request-information\", intake, \"extend-deadline\", reassign, "
          "\"ask-reassign\"):action>", methods=["POST"])
@allowed_to("review")
@csrf_in_form
def act(referral_id: int, action: str):
    item = _referral_or_404(referral_id)
    _, verb, done = ACTIONS[action]
    form = _action_form(action, item)
    if not form.validate_on_submit():
        return _render(item, 400, **{FORM_NAMES[action]: form})
    try:
        verb(form, item)
        db.session().flush()
    except (operations.Stale, StaleDataError):
        return _stale(referral_id, form)
    except Refused as refused:
        db.session().rollback()
        _place(refused, form)
        return _render(_referral_or_404(referral_id), 400, **{FORM_NAMES[action]: form})
    flash(done, "success")
    return redirect(url_for("review.referral", referral_id=item.id))


def _action_form(action: str, item):
    """The action's form, with the choices that come from the ruleset or the referral."""
    form = ACTIONS[action][0]()
    if action == "decline":
        form.for_ruleset(_ruleset())
    if action == "request-information":
        form.for_pages(correctable_steps(item.route))
    if action == "reassign":
        form.coordinator.choices = {u.id: u.name for u in queries.coordinators()}
    return form


def _place(refused: Refused, form) -> None:
    """The refusal beside the field it is about, else above the form."""
    if isinstance(refused, operations.NeedsJustification):
        form.justification.errors.append(str(refused))  # beside the box to write it in
    elif isinstance(refused, operations.PastDeadline):
        form.past_deadline.errors.append(str(refused))  # beside the box to tick
    else:
        form.form_errors.append(str(refused))


def _stale(referral_id: int, form):
    """409: say what changed, keep the newer state, and give back what they typed (nothing of
    it was saved) under the labels of the form, which say who would have read each box."""
    db.session().rollback()
    item = _referral_or_404(referral_id)
    latest = item.events[-1] if item.events else None
    typed = [field for field in form if isinstance(field, TextAreaField) and field.data]
    return render_template("review/stale.html", referral=item, latest=latest, typed=typed), 409


@bp.route("/referrals/<int:referral_id>/notes", methods=["POST"])
@allowed_to("review")
@csrf_in_form
def add_note(referral_id: int):
    item = _referral_or_404(referral_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render(item, 400, note_form=form)
    operations.add_note(current_user, item, form.body.data)
    flash("Your note is added.", "success")
    return redirect(url_for("review.referral", referral_id=item.id) + "#notes")


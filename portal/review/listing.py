"""The queue's rows, written out in Python: one string per row.

Rendered by Jinja, fifty rows of ten cells were most of the page's cost (each expression an
attribute lookup, an escape and a yield; each link a ``url_for``). Here every value is escaped
once into a fixed row of markup, and each referral's link is one base URL with its id appended.
The markup is the one the page had: tests/review and the browser tests read it as before."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from portal.consent.models import ConsentFlag
from portal.referrals.standing import status_label
from portal.review.queries import Deadline, days
from portal.web.dates import long_date
from portal.web.urls import fixed_url

SCREENING = {"eligible": "Eligible", "ineligible": "Ineligible", "needs_review": "Needs review"}
ROW = """
  <tr{overdue}>
    <th scope="row" data-label="Reference"><a class="usa-link" href="{href}">{reference}</a></th>
    <td data-label="Name">{name}{duplicate}</td>
    <td data-label="Route">{route}</td>
    <td data-label="Partner">{partner}</td>
    <td data-label="Waiting">{waiting}</td>
    <td data-label="Screening">{screening}</td>
    <td data-label="Intake deadline">
      {deadline}
    </td>
    <td data-label="Status"><span class="portal-status portal-status--{status}">{status_label}</span>{consent}</td>
    <td data-label="Claimed by">{claimed_by}</td>
  </tr>
  """
DUPLICATE = ' <strong class="portal-flag portal-flag--soon">Possible duplicate</strong>'


def referral_link_prefix() -> str:
    """``/review/referrals/`` (under whatever root the app is served at): a row's link adds its id."""
    return fixed_url("review.referral", referral_id=0).removesuffix("0")


def queue_rows(found, today: date, *, route_labels: dict[str, str], duplicates: set[int],
               consent_flags: dict, back_suffix: str) -> list[Markup]:
    prefix = f"{referral_link_prefix()}{{}}{escape(back_suffix)}"
    return [_row(r, today, prefix, route_labels, r.id in duplicates, consent_flags.get(r.id))
            for r in found]


def _row(r, today: date, link: str, route_labels, duplicate: bool,
         consent: ConsentFlag | None) -> Markup:
    deadline = Deadline.running(r, today)
    waited = (today - r.submitted_at.date()).days
    return Markup(ROW.format(
        overdue=' class="portal-overdue"' if deadline and deadline.overdue else "",
        href=link.format(r.id), reference=escape(r.reference), name=escape(r.legal_name),
        duplicate=DUPLICATE if duplicate else "",
        route=escape(route_labels.get(r.route, r.route)), partner=escape(r.partner),
        waiting="today" if waited == 0 else days(waited),
        screening=SCREENING.get(r.screening_decision, "—"), deadline=_deadline(deadline),
        status=r.status.value, status_label=escape(status_label(r)), consent=_consent(consent),
        claimed_by=escape(r.claimed_by or "Unclaimed")))


def _deadline(deadline: Deadline | None) -> str:
    if deadline is None:
        return "None"
    words = escape(deadline.words)
    if deadline.overdue:
        flag = f'<strong class="portal-flag portal-flag--overdue">{words}</strong>\n      '
    elif deadline.due_today:
        flag = f'<strong class="portal-flag portal-flag--soon">{words}</strong>\n      '
    else:
        soon = "portal-flag portal-flag--soon" if deadline.soon else ""
        flag = f'<span class="{soon}">{words}</span>'
    return f"{escape(long_date(deadline.due))}<br>\n      {flag}\n      "


def _consent(flag: ConsentFlag | None) -> str:
    if flag is None:
        return ""
    tone = "overdue" if flag.ended else "soon"
    return f' <strong class="portal-flag portal-flag--{tone}">{escape(flag.label)}</strong>'

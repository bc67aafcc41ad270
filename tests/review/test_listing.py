"""The queue's rows written out in Python (portal/review/listing.py) are the markup the page's
Jinja loop wrote before, in every branch: deadlines passed, due today, soon and far, none;
consent flags; a possible duplicate; text that needs escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from portal.consent.models import ConsentFlag
from portal.referrals.states import Status
from portal.review import listing, queries

TODAY = date(2026, 3, 10)
# The loop as templates/review/queue.html had it, over the referral entity, before listing.py.
BEFORE = """{% for row in rows %}{% set referral, deadline = row.referral, row.deadline %}
  <tr{% if deadline and deadline.overdue %} class="portal-overdue"{% endif %}>
    <th scope="row" data-label="Reference"><a class="usa-link" href="{{ url_for('review.referral', referral_id=referral.id) }}{{ back_suffix }}">{{ referral.reference }}</a></th>
    <td data-label="Name">{{ referral.legal_name }}
      {%- if referral.id in duplicates %} <strong class="portal-flag portal-flag--soon">Possible duplicate</strong>{% endif %}</td>
    <td data-label="Route">{{ route_labels.get(referral.route, referral.route) }}</td>
    <td data-label="Partner">{{ referral.partner }}</td>
    <td data-label="Waiting">{{ row.waiting }}</td>
    <td data-label="Screening">{{ {'eligible': 'Eligible', 'ineligible': 'Ineligible', 'needs_review': 'Needs review'}.get(referral.screening_decision, '—') }}</td>
    <td data-label="Intake deadline">
      {% if deadline %}{{ deadline.due|date }}<br>
      {% if deadline.overdue %}<strong class="portal-flag portal-flag--overdue">{{ deadline.words }}</strong>
      {% elif deadline.due_today %}<strong class="portal-flag portal-flag--soon">{{ deadline.words }}</strong>
      {% else %}<span class="{{ 'portal-flag portal-flag--soon' if deadline.soon else '' }}">{{ deadline.words }}</span>{% endif %}
      {% else %}None{% endif %}
    </td>
    <td data-label="Status"><span class="portal-status portal-status--{{ referral.status.value }}">{{ referral.status.label }}</span>
      {%- set consent_flag = consent_flags.get(referral.id) %}{% if consent_flag %} <strong class="portal-flag portal-flag--{{ 'overdue' if consent_flag.ended else 'soon' }}">{{ consent_flag.label }}</strong>{% endif %}</td>
    <td data-label="Claimed by">{{ referral.claimed_by or 'Unclaimed' }}</td>
  </tr>
  {% endfor %}"""


def _row(ident: int, deadline_in: int | None, **fields):
    values = {"id": ident, "reference": f"AB{ident:02d}-CD{ident:02d}", "legal_name": "Dana <O'Neil>",
              "route": "arrest_diversion", "partner": "Metro & Co", "status": Status.IN_REVIEW,
              "screening_decision": "eligible", "claimed_by": None,
              "submitted_at": datetime(2026, 3, 6, 15, tzinfo=UTC),
              "intake_deadline": None if deadline_in is None else TODAY + timedelta(days=deadline_in)}
    return SimpleNamespace(**(values | fields))


@pytest.mark.parametrize("back_suffix", ["", "?back=q%3Dlee%26status%3Ddeclined"])
def test_rows_written_in_python_match_the_template_they_replace(app, back_suffix):
    found = [_row(1, -2), _row(2, 0, claimed_by="Casey <N>"), _row(3, 2, screening_decision=None),
             _row(4, 12, status=Status.ACCEPTED), _row(5, None, route="social_contact",
                                                      submitted_at=datetime(2026, 3, 10, tzinfo=UTC)),
             _row(6, 5, screening_decision="needs_review"), _row(7, 1)]
    flags = {2: ConsentFlag.REVOKED, 3: ConsentFlag.REVOCATION_PENDING, 7: ConsentFlag.EXPIRED}
    labels = {"arrest_diversion": "Arrest diversion"}
    with app.test_request_context("/review/"):
        old_rows = [SimpleNamespace(referral=r, deadline=queries.Deadline.of(r.intake_deadline, TODAY),
                                    waiting="today" if (TODAY - r.submitted_at.date()).days == 0
                                    else queries.days((TODAY - r.submitted_at.date()).days))
                    for r in found]
        before = app.jinja_env.from_string(BEFORE).render(
            rows=old_rows, back_suffix=back_suffix, duplicates={4}, consent_flags=flags,
            route_labels=labels)
        after = "".join(listing.queue_rows(found, TODAY, route_labels=labels, duplicates={4},
                                           consent_flags=flags, back_suffix=back_suffix))
    assert "&lt;O&#39;Neil&gt;" in after and "Possible duplicate" in after
    assert after == before


def test_fixed_urls_are_what_url_for_says_under_any_root(app):
    from flask import url_for

    from portal.web.urls import fixed_url

    for root in ("", "/portal"):
        with app.test_request_context("/review/", base_url=f"http://localhost{root}"):
            assert fixed_url("review.queue") == url_for("review.queue") == f"{root}/review/"
            assert fixed_url("static", filename="css/portal.css") == url_for(
                "static", filename="css/portal.css")
            assert listing.referral_link_prefix() == f"{root}/review/referrals/"

"""The queue's filter fields written in Python (portal/review/filter_markup.py) are the markup
the form macros write, character for character: empty, chosen, refused and escaped."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from portal.review import filter_markup
from portal.review.forms import QueueFilterForm

MACROS = """{% from "macros/forms.html" import select, input %}
{{- input(form.q, hint=form.q.description) }}
{% for f in [form.status, form.route, form.screening, form.partner, form.claimed, form.overdue] %}
{{- select(f) }}
{% endfor %}"""


@pytest.mark.parametrize("args", [
    {},
    {"q": "Dana <O'Neil> & \"Co\"", "status": "submitted", "partner": "2", "overdue": "1"},
    {"q": "x" * 201, "status": "no-such-status", "route": "nowhere", "claimed": "me"},
    {"screening": "needs_review", "partner": "99"},
])
def test_the_fields_written_in_python_are_the_macros_markup(app, args):
    with app.test_request_context("/review/"):
        form = QueueFilterForm(MultiDict(args))
        form.status.choices = {"": "Any open (any, in a search)", "submitted": "Submitted"}
        form.route.choices = {"": "Any", "arrest_diversion": "Arrest diversion"}
        form.partner.choices = {"": "Any", "1": "Metro & Co", "2": "St. Ann's <Shelter>"}
        form.validate()
        before = app.jinja_env.from_string(MACROS).render(form=form)
        fields = [form.status, form.route, form.screening, form.partner, form.claimed, form.overdue]
        after = "".join([filter_markup.search_field(form.q, form.q.description), "\n",
                         *(filter_markup.select_field(f) + "\n" for f in fields)])
    assert after == before
    assert ("usa-error-message" in after) == bool(form.errors)

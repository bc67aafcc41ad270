"""The queue page's anchor: the least a Flask app does to serve a page like it.

A minimal Flask app, served the same way as the portal (gunicorn, sync workers), that reads 50
open referrals with SQLAlchemy Core and renders them in a Jinja table: no sign-in, no session,
no forms, no counts. The queue page (50 rows, counts, signed in) is measured against it in the
same run (tests/bench/bench_queue.py); the goal is at least half its rate.

    DATABASE_URL=... gunicorn --chdir tests/bench anchor:app
"""

from __future__ import annotations

import os
from datetime import date

from flask import Flask, render_template_string
from sqlalchemy import column, create_engine, func, literal, select, table
from sqlalchemy.types import Date

OPEN = ("submitted", "in_review", "needs_information", "accepted")
REFERRALS = table("referrals", column("id"), column("reference"), column("legal_name"),
                  column("route"), column("status"), column("screening_decision"),
                  column("intake_deadline"), column("respond_by"), column("submitted_at"))
DUE = func.coalesce(REFERRALS.c.intake_deadline, REFERRALS.c.respond_by,
                    literal(date(9999, 12, 31), Date()))
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Referrals</title></head><body>
<main><h1>Referrals</h1>
<table>
  <thead><tr><th>Reference</th><th>Name</th><th>Route</th><th>Screening</th>
  <th>Intake deadline</th><th>Status</th></tr></thead>
  <tbody>
  {% for row in rows %}
  <tr><th scope="row"><a href="/review/{{ row.id }}">{{ row.reference }}</a></th>
    <td>{{ row.legal_name }}</td><td>{{ row.route }}</td><td>{{ row.screening_decision }}</td>
    <td>{{ row.intake_deadline or "None" }}</td><td>{{ row.status }}</td></tr>
  {% endfor %}
  </tbody>
</table></main></body></html>
"""

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])
QUERY = (select(REFERRALS.c.id, REFERRALS.c.reference, REFERRALS.c.legal_name,
                REFERRALS.c.route, REFERRALS.c.status, REFERRALS.c.screening_decision,
                REFERRALS.c.intake_deadline)
         .where(REFERRALS.c.status.in_(OPEN))
         .order_by(DUE, REFERRALS.c.submitted_at, REFERRALS.c.id).limit(50))


@app.route("/")
def page():
    with engine.connect() as connection:
        rows = connection.execute(QUERY).all()
    return render_template_string(PAGE, rows=rows)

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (Blueprint, Response, current_app, render_template, request,
                   stream_with_context, url_for)
from flask_login import current_user

from portal import audit
from portal.accounts.access import signed_in
from portal.accounts.models import Role
from portal.audit_log import queries
from portal.audit_log.forms import AuditFilterForm
from portal.web.spreadsheets import csv_lines

bp = Blueprint("audit", __name__, url_prefix="/audit")
COLUMNS = ["time_utc", "user", "organisation_id", "action", "object_type", "object_id", "outcome",
           "source_address", "detail"]


def _criteria(form: AuditFilterForm) -> queries.AuditFilter:
    if not form.validate():
        return queries.AuditFilter()
    zone = ZoneInfo(current_app.extensions["portal.settings"].timezone)
    return queries.AuditFilter(action=form.action.data or "", email=form.email.data or "",
                               outcome=form.outcome.data or "", since=form.since.date,
                               until=form.until.date, zone=zone)


def _cursor() -> tuple[datetime, int] | None:
    try:
        at, ident = request.args["before"].split("_", 1)
        return datetime.fromisoformat(at), int(ident)
    except (KeyError, ValueError):
        return None


@bp.route("/")
@signed_in(Role.PROGRAM_ADMIN)
def events():
    form = AuditFilterForm(request.args)
    # Which filters were used, not what was typed in them.
    audit.record("audit.viewed", actor=current_user,
                 detail={"filters": sorted(field.name for field in form if field.data)})
    rows = queries.events(_criteria(form), before=_cursor())
    next_url = None
    if len(rows) == queries.PAGE_SIZE:
        last = rows[-1][0]
        args = {k: v for k, v in request.args.items() if k != "before"}
        next_url = url_for("audit.events", before=f"{last.at.isoformat()}_{last.id}", **args)
    return render_template("audit/events.html", form=form, rows=rows, next_url=next_url,
                           export_url=url_for("audit.export", **request.args))


def _json(detail) -> str:
    """JSON, which a script reads back (not Python's repr of a dict)."""
    return "" if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True)


@bp.route("/export.csv")
@signed_in(Role.PROGRAM_ADMIN)
def export():
    criteria = _criteria(AuditFilterForm(request.args))
    audit.record("audit.exported", actor=current_user, detail={"filter": request.args.to_dict()})

    def rows():
        for event, user in queries.all_events(criteria):
            yield [event.at.isoformat(), user.email if user else "", event.organisation_id,
                   event.action, event.object_type, event.object_id, event.outcome,
                   event.source_address, _json(event.detail)]

    headers = {"Content-Disposition": 'attachment; filename="audit-log.csv"'}
    return Response(stream_with_context(csv_lines(COLUMNS, rows())), mimetype="text/csv",
                    headers=headers)

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent


def test_program_admin_filters_the_log_and_exports_it(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    stranger = make.user(Role.REFERRER)
    client.submit("/sign-in", {"email": stranger.email, "password": "wrong password!!"})
    client.sign_in(admin)
    page = client.get(f"/audit/?email={stranger.email}&outcome=failure")
    rows = page.soup.select("tbody tr")
    assert len(rows) == 1 and "sign_in" in rows[0].text
    assert client.get("/audit/?action=sign_in&outcome=success").soup.select("tbody tr")
    response = client.raw.get(f"/audit/export.csv?email={stranger.email}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0][0] == "time_utc" and len(lines) == 2 and lines[1][1] == stranger.email
    exported = session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "audit.exported"))
    assert exported == 1


def test_bad_filter_dates_say_what_to_fix(client, make):
    client.sign_in(make.user(Role.PROGRAM_ADMIN))
    page = client.get("/audit/?since=31/02/2026")
    assert page.errors == ["Enter the from date as a real date, like 3/27/2026"]
    assert page.value("since") == "31/02/2026", "what was typed is kept"


def test_filter_dates_are_typed_as_on_every_other_page(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    for day in (datetime(2026, 3, 26, 12, tzinfo=UTC), datetime(2026, 3, 27, 12, tzinfo=UTC),
                datetime(2026, 3, 28, 12, tzinfo=UTC)):
        session.add(AuditEvent(action="test.dated", outcome="success", at=day, detail={}))
    session.commit()
    client.sign_in(admin)
    page = client.get("/audit/?action=test.dated&since=3/27/2026&until=3/27/2026")
    assert page.errors == []
    assert [row.find("td").get_text() for row in page.soup.select("tbody tr")] == [
        "March 27, 2026, 12:00 UTC"]
    assert page.value("since") == "3/27/2026"
    exported = client.raw.get("/audit/export.csv?action=test.dated&since=3/28/2026")
    assert len(list(csv.reader(io.StringIO(exported.get_data(as_text=True))))) == 2


def test_the_export_detail_column_is_json(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    session.add(AuditEvent(action="test.detailed", outcome="success",
                           detail={"fields": ["legal_name"], "note": "José's \"file\"", "n": 2}))
    session.commit()
    client.sign_in(admin)
    response = client.raw.get("/audit/export.csv?action=test.detailed")
    [header, row] = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    detail = json.loads(dict(zip(header, row, strict=True))["detail"])
    assert detail == {"fields": ["legal_name"], "note": "José's \"file\"", "n": 2}


def test_audit_pages_keyset_paginate(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    session.add_all(AuditEvent(action="test.bulk", outcome="success", detail={}) for _ in range(120))
    session.commit()
    client.sign_in(admin)
    first = client.get("/audit/?action=test.bulk")
    assert len(first.soup.select("tbody tr")) == 50
    older = first.soup.find("a", string="Older events")["href"]
    second = client.get(older)
    assert len(second.soup.select("tbody tr")) == 50
    third = client.get(second.soup.find("a", string="Older events")["href"])
    assert len(third.soup.select("tbody tr")) == 20 and not third.soup.find("a", string="Older events")

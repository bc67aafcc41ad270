"""The audit log's CSV export escapes every cell a spreadsheet would run (issue 10, item 14)."""

import csv
import io

from portal.accounts.models import Role
from portal.audit.models import AuditEvent


def test_a_formula_in_an_exported_cell_is_escaped(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    # A row from before addresses were checked at entry, and an object id a visitor typed.
    planted = make.user(Role.REFERRER, email="=HYPERLINK(\"http://evil.example\")@x.org")
    session.add(AuditEvent(user_id=planted.id, organisation_id=planted.organisation_id,
                           action="sign_in", object_type="users",
                           object_id="+cmd|' /C calc'!A0", outcome="failure",
                           source_address="-1", detail={}))
    session.commit()
    client.sign_in(admin)
    response = client.raw.get("/audit/export.csv?action=sign_in&outcome=failure")
    assert response.status_code == 200
    [header, row] = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    cells = dict(zip(header, row, strict=True))
    assert cells["user"] == "'=HYPERLINK(\"http://evil.example\")@x.org"
    assert cells["object_id"] == "'+cmd|' /C calc'!A0"
    assert cells["source_address"] == "'-1"
    assert cells["action"] == "sign_in" and cells["organisation_id"] == str(planted.organisation_id)

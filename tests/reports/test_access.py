"""Only coordinators and program administrators reach the reports; anyone else gets 404, and
the refusal is audited. The check is an allow-list, so a role added later is refused too."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from portal.accounts.models import PROGRAM_ROLES, OrgKind, Role
from tests.reading import audit_rows
from tests.reports.helpers import PERIOD

URLS = ["/reports/", "/reports/?" + urlencode(PERIOD),
        "/reports/tables/by_status_race.csv?" + urlencode(PERIOD),
        "/reports/report.pdf?" + urlencode(PERIOD)]
OUTSIDERS = [role for role in Role if role not in PROGRAM_ROLES]


@pytest.mark.parametrize("kind", [OrgKind.LAW_ENFORCEMENT, OrgKind.COMMUNITY_PARTNER])
@pytest.mark.parametrize("role", OUTSIDERS)
def test_partners_get_404_and_each_refusal_is_audited(world, make, new_client, session, role,
                                                      kind):
    user = make.user(role, make.org(kind))
    browser = new_client()
    assert browser.sign_in(user).status_code == 302
    for url in URLS:
        response = browser.raw.get(url)
        assert response.status_code == 404, url
        assert b"Relative Rate" not in response.data and b"%PDF" not in response.data
    refusals = audit_rows(session, "access.refused", user_id=user.id)
    assert len(refusals) == len(URLS)
    assert {r.outcome for r in refusals} == {"refused"}
    assert {r.detail["endpoint"] for r in refusals} == {"reports.index", "reports.table_csv",
                                                        "reports.pdf"}
    assert audit_rows(session, "report.exported", user_id=user.id) == []
    assert "/reports/" not in browser.get("/home").response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.raw.get("/reports/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


@pytest.mark.parametrize("role", PROGRAM_ROLES)
def test_program_staff_see_the_report_and_a_link_to_it(world, make, new_client, role):
    user = world.coordinator if role is Role.COORDINATOR else world.admin
    browser = new_client()
    assert browser.sign_in(user).status_code == 302
    home = browser.get("/home")
    assert home.soup.find("a", href="/reports/") is not None
    page = browser.get("/reports/?" + urlencode(PERIOD))
    assert page.soup.h1.get_text() == "Reports"
    assert page.soup.find("table", id="rri_accepted") is not None
    assert page.response.headers["Cache-Control"].startswith("no-store") or \
        "no-store" in page.response.headers.get("Cache-Control", "")

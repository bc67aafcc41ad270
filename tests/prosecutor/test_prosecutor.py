"""Item 4 of issue 11: the prosecutor's office sees exactly the outcome fields of its linked
agencies' arrest diversions, nothing of social contact referrals or of other agencies (404,
audited), and the CSV is the page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from portal.accounts.models import OrgKind, Role
from portal.prosecutor import listing, queries
from portal.prosecutor.fields import HEADINGS
from portal.prosecutor.models import ProsecutorAgency
from portal.referrals.answers import ARREST, SOCIAL
from portal.referrals.states import Status
from tests.factories import DECLINE
from tests.pages import on_page
from tests.reading import audit_rows, count
from tests.stored_answers import PERSON

SHOWN = (Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.INTAKE_COMPLETED,
         Status.INTAKE_MISSED)
NEVER = [PERSON["legal_name"], "O&#39;Neil", "Joe", "1990", "March 7, 1990", PERSON["phone"],
         "bridge", "unsheltered", "detox", "Cooperative", "substance", DECLINE["note"], "5th and Main",
         "Eligible", "screening"]


def table(page) -> list[list[str]]:
    body = page.soup.select("#prosecutor-list tbody tr")
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in body if len(row.find_all(["th", "td"])) > 1]


def headings(page) -> list[str]:
    return [th.get_text(strip=True) for th in page.soup.select("#prosecutor-list thead th")]


@pytest.fixture
def cases(make, office):
    linked = {status: make.referral(ARREST, status, by=office.officer) for status in SHOWN}
    return {
        "linked": linked,
        "open": make.referral(ARREST, Status.IN_REVIEW, by=office.officer),
        "social": make.referral(SOCIAL, Status.ACCEPTED, by=office.officer),
        "unlinked": make.referral(ARREST, Status.ACCEPTED, by=office.stranger_officer),
    }


def test_the_office_sees_exactly_the_consented_fields_of_its_linked_agencies(
        signed_in, office, cases, app):
    page = signed_in(office.prosecutor).get("/prosecutor/referrals")
    assert headings(page) == list(HEADINGS) == [
        "Reference", "Agency", "Incident number", "Arrest date", "Charges", "Intake deadline",
        "Status", "Status date"]
    rows = table(page)
    by_reference = {row[0]: row for row in rows}
    linked = cases["linked"]
    assert set(by_reference) == {r.reference for r in linked.values()}
    labels = [app.extensions["portal.ruleset"].charge_label(c) for c in ("shoplifting", "trespassing")]
    accepted = linked[Status.ACCEPTED]
    assert by_reference[accepted.reference] == [
        accepted.reference, office.agency.name, "24-0001",
        on_page(accepted.submitted_at.date() - timedelta(days=1)), ", ".join(labels),
        on_page(accepted.intake_deadline), "Accepted", on_page(date.today())]
    assert {row[6] for row in rows} == {"Accepted", "Declined", "Withdrawn", "Intake completed",
                                        "Intake missed"}
    for word in NEVER:
        assert word not in page.text and word not in str(page.soup), word


def test_newest_change_first_and_the_status_filter(signed_in, office, cases, session):
    browser = signed_in(office.prosecutor)
    made_last = cases["linked"][Status.INTAKE_MISSED].reference
    assert table(browser.get("/prosecutor/referrals"))[0][0] == made_last
    declined = table(browser.get("/prosecutor/referrals?change=declined"))
    assert [row[0] for row in declined] == [cases["linked"][Status.DECLINED].reference]
    shown = browser.get("/prosecutor/referrals?change=nonsense")
    assert len(table(shown)) == 5, "an unknown filter shows everything, and says so"
    assert "Not a valid choice" in shown.text or "Select only" in shown.text
    details = [row.detail for row in audit_rows(session, "prosecutor.list_viewed")]
    assert details == [{"change": "", "rows": 5}, {"change": "declined", "rows": 1},
                       {"change": "", "rows": 5}], "what was typed is not kept"


def test_the_pages_follow_one_another_by_keyset(signed_in, office, cases, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    browser = signed_in(office.prosecutor)
    seen, url = [], "/prosecutor/referrals"
    while url:
        page = browser.get(url)
        seen += [row[0] for row in table(page)]
        link = page.soup.find("a", string=lambda s: s and s.startswith("Next"))
        url = link["href"] if link else None
    assert len(seen) == len(set(seen)) == 5


def test_the_csv_equals_the_page(signed_in, office, cases, session):
    browser = signed_in(office.prosecutor)
    page = browser.get("/prosecutor/referrals")
    response = browser.raw.get("/prosecutor/referrals.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header == headings(page)
    as_page = [[on_page(date.fromisoformat(cell)) if _is_day(cell) else cell for cell in line]
               for line in lines]
    assert as_page == table(page)
    assert len(audit_rows(session, "prosecutor.list_exported", user_id=office.prosecutor.id)) == 1
    assert len(audit_rows(session, "prosecutor.list_viewed", user_id=office.prosecutor.id)) == 1


def _is_day(cell: str) -> bool:
    try:
        date.fromisoformat(cell)
    except ValueError:
        return False
    return len(cell) == 10


def test_the_csv_cannot_carry_a_formula(signed_in, office, make):
    make.referral(ARREST, Status.ACCEPTED, by=office.officer,
                  answers={"arrest": {"incident_number": "=HYPERLINK(\"http://x\")"}})
    response = signed_in(office.prosecutor).raw.get("/prosecutor/referrals.csv")
    [line] = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
    assert line[2] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("which", ["social", "unlinked", "open"])
def test_a_social_contact_an_unlinked_agency_or_an_open_one_is_404_and_audited(
        signed_in, office, cases, session, which):
    referral = cases[which]
    browser = signed_in(office.prosecutor)
    browser.get(f"/prosecutor/referrals/{referral.id}", status=404)
    [row] = audit_rows(session, "access.refused", user_id=office.prosecutor.id)
    assert (row.object_type, row.object_id, row.outcome) == ("referrals", str(referral.id),
                                                             "refused")
    assert row.detail == {"endpoint": "prosecutor.referral"}


def test_a_linked_one_is_shown_on_its_own_with_the_same_fields(signed_in, office, cases, session):
    accepted = cases["linked"][Status.ACCEPTED]
    page = signed_in(office.prosecutor).get(f"/prosecutor/referrals/{accepted.id}")
    terms = [dt.get_text(strip=True) for dt in page.soup.select("dt")]
    assert terms == list(HEADINGS)
    assert office.agency.name in page.text and PERSON["legal_name"] not in page.text
    [row] = audit_rows(session, "prosecutor.referral_viewed")
    assert row.object_id == str(accepted.id)


def test_another_office_sees_nothing_of_an_agency_it_is_not_linked_to(signed_in, make, cases):
    other = make.user(Role.PROSECUTOR, make.org(OrgKind.PROSECUTOR))
    browser = signed_in(other)
    assert table(browser.get("/prosecutor/referrals")) == []
    browser.get(f"/prosecutor/referrals/{cases['linked'][Status.ACCEPTED].id}", status=404)


@pytest.mark.parametrize("role", [Role.REFERRER, Role.PARTNER_ADMIN, Role.COORDINATOR,
                                  Role.PROGRAM_ADMIN])
def test_no_other_role_reaches_the_prosecutor_pages(signed_in, make, cases, session, role):
    browser = signed_in(role=role)
    referral = cases["linked"][Status.ACCEPTED]
    for url in ("/prosecutor/referrals", "/prosecutor/referrals.csv",
                f"/prosecutor/referrals/{referral.id}"):
        assert browser.raw.get(url).status_code == 403, url
    assert len(audit_rows(session, "access.refused", user_id=browser.user.id)) == 3


def test_the_prosecutor_reaches_no_review_report_referral_or_admin_page(
        signed_in, office, cases, session):
    browser = signed_in(office.prosecutor)
    referral = cases["linked"][Status.ACCEPTED]
    for url in ("/review/", f"/review/referrals/{referral.id}", "/reports/", "/referrals/",
                f"/referrals/{referral.id}", "/referrals/new", "/admin/organisations",
                f"/admin/organisations/{office.org.id}", "/audit/"):
        assert browser.raw.get(url).status_code in (403, 404), url
    assert audit_rows(session, "access.refused", user_id=office.prosecutor.id)
    home = browser.get("/home")
    assert [a["href"] for a in home.soup.select(".usa-card a.usa-button")][0] == \
        "/prosecutor/referrals"
    assert "Review queue" not in home.text and "Start a referral" not in home.text


def test_once_the_consent_ends_the_office_keeps_only_the_reference_and_status(
        signed_in, office, cases, session, monkeypatch):
    monkeypatch.setattr(listing, "CHUNK", 2)  # consents are looked up a few at a time
    accepted = cases["linked"][Status.ACCEPTED]
    from portal.consent.models import Consent
    consent = session.query(Consent).filter_by(referral_id=accepted.id).one()
    consent.expires_on = date.today() - timedelta(days=1)
    session.commit()
    row = {r[0]: r for r in table(signed_in(office.prosecutor).get("/prosecutor/referrals"))}[
        accepted.reference]
    assert row[1:3] == ["Consent ended", "Consent ended"] and row[6] == "Accepted"
    assert "24-0001" not in row
    others = [r for r in table(signed_in(office.prosecutor).get("/prosecutor/referrals"))
              if r[0] != accepted.reference]
    assert len(others) == 4 and all(r[2] == "24-0001" for r in others)


def test_a_program_administrator_links_the_office_to_police_agencies(signed_in, make, office,
                                                                     session):
    admin = signed_in(role=Role.PROGRAM_ADMIN)
    page = admin.get(f"/admin/organisations/{office.org.id}")
    boxes = {box["value"]: box.has_attr("checked") for box in
             page.soup.select("input[name=agencies]")}
    assert boxes[str(office.agency.id)] and not boxes[str(office.elsewhere.id)]
    partner = make.org(OrgKind.COMMUNITY_PARTNER)
    assert str(partner.id) not in boxes, "only police agencies are offered"
    url = f"/admin/organisations/{office.org.id}/agencies"
    response = admin.submit(url, {"agencies": [str(office.elsewhere.id)]},
                            form_url=f"/admin/organisations/{office.org.id}", form_index=0)
    assert response.status_code == 302
    linked = {link.agency_id for link in session.query(ProsecutorAgency).filter_by(
        prosecutor_id=office.org.id)}
    assert linked == {office.elsewhere.id}
    [row] = audit_rows(session, "prosecutor.agencies_linked")
    assert row.detail == {"added": [office.elsewhere.id], "removed": [office.agency.id]}


def test_a_posted_agency_that_is_no_police_agency_is_refused_in_the_form(signed_in, make, office,
                                                                         session):
    admin = signed_in(role=Role.PROGRAM_ADMIN)
    partner = make.org(OrgKind.COMMUNITY_PARTNER)
    url = f"/admin/organisations/{office.org.id}/agencies"
    response = admin.submit(url, {"agencies": [str(partner.id)]},
                            form_url=f"/admin/organisations/{office.org.id}")
    assert response.status_code == 200
    assert "Select only from the options shown" in response.get_data(as_text=True)
    assert count(session, ProsecutorAgency, ProsecutorAgency.agency_id == partner.id) == 0
    assert audit_rows(session, "prosecutor.agencies_linked") == []


def test_no_agencies_form_for_an_organisation_that_is_no_prosecutor(signed_in, office, session):
    admin = signed_in(role=Role.PROGRAM_ADMIN)
    page = admin.get(f"/admin/organisations/{office.agency.id}")
    assert not page.soup.select("input[name=agencies]")
    url = f"/admin/organisations/{office.agency.id}/agencies"
    assert admin.raw.post(url, data={"agencies": [str(office.elsewhere.id)]}).status_code == 404
    [row] = audit_rows(session, "access.refused", user_id=admin.user.id)
    assert row.object_id == str(office.agency.id)
    assert count(session, ProsecutorAgency, ProsecutorAgency.prosecutor_id == office.agency.id) == 0


def test_the_office_is_no_partner_in_the_queue_or_the_reports(signed_in, office):
    coordinator = signed_in(role=Role.COORDINATOR)
    for url in ("/review/", "/reports/"):
        page = coordinator.get(url)
        names = [option.get_text() for option in page.soup.select("select[name=partner] option")]
        assert office.agency.name in names and office.org.name not in names, url

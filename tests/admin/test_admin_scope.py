"""Who may administer what: partner administrators see only their own organisation; referrers and
coordinators get 403 (and an audit row); program administrators can do everything, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.audit.models import AuditEvent
from portal.web.forms import EXPIRED
from tests.accounts.helpers import audit_rows, count
from tests.pages import Page

INVITEE = {"name": "Pat Newcomer", "email": "pat.newcomer@example.org", "role": "referrer",
           "phone": "", "badge_number": ""}


@pytest.fixture
def two_partners(make):
    """A partner administrator of one organisation, and another organisation with users."""
    own = make.org(OrgKind.LAW_ENFORCEMENT)
    admin = make.user(Role.PARTNER_ADMIN, own)
    colleague = make.user(Role.REFERRER, own)
    other = make.org(OrgKind.COMMUNITY_PARTNER)
    stranger = make.user(Role.REFERRER, other, locked_until=datetime.now(UTC) + timedelta(minutes=5))
    stranger_admin = make.user(Role.PARTNER_ADMIN, other)
    return own, admin, colleague, other, stranger, stranger_admin


def snapshot(session, user: User) -> tuple:
    session.refresh(user)
    return user.role, user.disabled_at, user.locked_until, user.failed_sign_ins, user.organisation_id


# --- Partner administrators: their own organisation only ------------------------------------------

def test_a_partner_admin_manages_their_own_organisation(client, two_partners, session):
    own, admin, colleague, _, stranger, _ = two_partners
    client.sign_in(admin)
    page = client.get(f"/admin/organisations/{own.id}")
    assert colleague.email in page.text and stranger.email not in page.text
    client.get(f"/admin/users/{colleague.id}")
    client.get(f"/admin/organisations/{own.id}/invite")


def test_a_partner_admin_cannot_see_another_organisation(client, two_partners, session):
    _, admin, _, other, stranger, _ = two_partners
    client.sign_in(admin)
    for url in (f"/admin/organisations/{other.id}", f"/admin/organisations/{other.id}/invite",
                f"/admin/users/{stranger.id}", "/admin/organisations/999999",
                "/admin/users/999999"):
        page = client.get(url, status=404)
        assert page.title.startswith("Page not found"), url
        assert stranger.email not in page.text and other.name not in page.text
    # Program-only pages are refused outright.
    client.get("/admin/organisations", status=403)
    client.get("/admin/access-requests", status=403)
    client.get("/audit/", status=403)


def test_a_partner_admin_cannot_invite_into_another_organisation(client, two_partners, session):
    own, admin, _, other, _, _ = two_partners
    client.sign_in(admin)
    users_before = count(session, User)
    response = client.submit(f"/admin/organisations/{other.id}/invite", INVITEE,
                             form_url=f"/admin/organisations/{own.id}/invite")
    assert response.status_code == 404
    assert count(session, User) == users_before
    assert count(session, User, User.email == INVITEE["email"]) == 0


@pytest.mark.parametrize("action, data", [
    ("disable", {}), ("enable", {}), ("unlock", {}), ("reinvite", {}),
    ("role", {"role": "partner_admin"}),
])
def test_a_partner_admin_cannot_change_another_organisations_user(client, two_partners, session,
                                                                  action, data):
    own, admin, _, _, stranger, _ = two_partners
    client.sign_in(admin)
    before = snapshot(session, stranger)
    events_before = count(session, AuditEvent, AuditEvent.object_id == str(stranger.id))
    response = client.submit(f"/admin/users/{stranger.id}/{action}", data,
                             form_url=f"/admin/organisations/{own.id}/invite")
    assert response.status_code == 404
    assert snapshot(session, stranger) == before
    assert count(session, AuditEvent, AuditEvent.object_id == str(stranger.id),
                 AuditEvent.outcome == "success") == events_before


def test_a_cross_organisation_attempt_is_audited_as_refused(client, two_partners, session):
    own, admin, _, _, stranger, _ = two_partners
    client.sign_in(admin)
    client.get(f"/admin/users/{stranger.id}", status=404)
    client.submit(f"/admin/users/{stranger.id}/disable", {},
                  form_url=f"/admin/organisations/{own.id}/invite", status=404)
    refusals = audit_rows(session, "access.refused", user_id=admin.id)
    assert len(refusals) == 2
    assert {r.outcome for r in refusals} == {"refused"}
    assert refusals[1].detail["endpoint"] == "admin.user_action"


def test_a_partner_admin_cannot_give_a_program_role(client, two_partners, session):
    own, admin, colleague, *_ = two_partners
    client.sign_in(admin)
    for role in ("coordinator", "program_admin"):
        page = client.submit_page(f"/admin/users/{colleague.id}/role", {"role": role},
                                  form_url=f"/admin/users/{colleague.id}")
        assert page.status == 200 and page.title.startswith("Error: "), role
        assert page.error_targets() == ["role-0"]
        session.refresh(colleague)
        assert colleague.role is Role.REFERRER
        # Nor invite someone into one.
        page = client.submit_page(f"/admin/organisations/{own.id}/invite",
                                  {**INVITEE, "role": role})
        assert page.status == 200 and page.error_targets() == ["role-0"], role
        assert page.value("email") == INVITEE["email"]
    assert count(session, User, User.email == INVITEE["email"]) == 0
    assert not audit_rows(session, "user.role_changed", object_id=str(colleague.id))


def test_extra_fields_cannot_move_an_invitee_to_another_organisation(client, two_partners, session):
    own, admin, _, other, _, _ = two_partners
    client.sign_in(admin)
    page = client.submit_page(f"/admin/organisations/{own.id}/invite",
                              {**INVITEE, "organisation_id": str(other.id),
                               "organisation": str(other.id), "role": "partner_admin"})
    assert page.status == 200 and page.title.startswith("Invitation ready")
    invited = session.query(User).filter_by(email=INVITEE["email"]).one()
    assert invited.organisation_id == own.id and invited.role is Role.PARTNER_ADMIN


def test_an_admin_cannot_disable_or_demote_themselves(client, two_partners, session):
    admin = two_partners[1]
    client.sign_in(admin)
    client.submit(f"/admin/users/{admin.id}/disable", {},
                  form_url=f"/admin/users/{admin.id}", status=302)
    client.submit(f"/admin/users/{admin.id}/role", {"role": "referrer"},
                  form_url=f"/admin/users/{admin.id}", status=200)
    session.refresh(admin)
    assert admin.disabled_at is None and admin.role is Role.PARTNER_ADMIN


# --- Referrers and coordinators: no administration ------------------------------------------------

@pytest.mark.parametrize("role", [Role.REFERRER, Role.COORDINATOR])
def test_non_administrators_get_403_and_an_audit_row(client, make, session, role):
    user = make.user(role)
    client.sign_in(user)
    urls = ["/admin/organisations", "/admin/organisations/new", "/admin/access-requests",
            f"/admin/organisations/{user.organisation_id}", f"/admin/users/{user.id}",
            "/audit/", "/audit/export.csv"]
    for url in urls:
        page = client.get(url, status=403)
        assert page.title.startswith("You do not have access"), url
    refusals = audit_rows(session, "access.refused", user_id=user.id)
    assert len(refusals) == len(urls)
    assert {r.outcome for r in refusals} == {"refused"}
    assert refusals[0].detail == {"endpoint": "admin.organisations"}
    assert refusals[0].organisation_id == user.organisation_id
    assert refusals[0].source_address == "127.0.0.1"
    assert not audit_rows(session, "audit.exported")


def test_a_refused_change_is_rolled_back_but_the_refusal_is_kept(client, make, session):
    referrer = make.user(Role.REFERRER)
    colleague = make.user(Role.REFERRER, referrer.organisation)
    client.sign_in(referrer)
    users_before = count(session, User)
    response = client.submit(f"/admin/users/{colleague.id}/disable", {}, form_url="/home")
    assert response.status_code == 403
    response = client.submit(f"/admin/organisations/{referrer.organisation_id}/invite", INVITEE,
                             form_url="/home")
    assert response.status_code == 403
    session.refresh(colleague)
    assert colleague.disabled_at is None
    assert count(session, User) == users_before
    refusals = audit_rows(session, "access.refused", user_id=referrer.id)
    assert [r.detail["endpoint"] for r in refusals] == ["admin.user_action", "admin.invite"]
    # Still signed in: a refusal is not a sign-out.
    client.get("/home")


# --- Program administrators: everything, each change audited --------------------------------------

def test_a_program_admin_runs_the_whole_lifecycle(client, new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    client.get("/admin/organisations")

    response = client.submit("/admin/organisations/new", {"name": "  Harbor   Outreach ",
                                                          "kind": "community_partner"})
    assert response.status_code == 302
    organisation = session.query(Organisation).filter_by(name="Harbor Outreach").one()
    assert organisation.kind is OrgKind.COMMUNITY_PARTNER
    assert response.location == f"/admin/organisations/{organisation.id}/invite"
    [created] = audit_rows(session, "organisation.created", object_id=str(organisation.id))
    assert created.user_id == admin.id and created.detail == {"kind": "community_partner"}

    # The same name again (any case) is refused.
    page = client.submit_page("/admin/organisations/new", {"name": "harbor outreach",
                                                           "kind": "community_partner"})
    assert page.errors == ["An organization with that name already exists. Enter a different name"]

    page = client.submit_page(response.location, {**INVITEE, "role": "partner_admin"})
    assert page.title.startswith("Invitation ready")
    assert page.soup.find(id="invitation-link")["value"].startswith("http://localhost/invitation/")
    person = session.query(User).filter_by(email=INVITEE["email"]).one()
    assert person.organisation_id == organisation.id and person.role is Role.PARTNER_ADMIN
    [invited] = audit_rows(session, "user.invited", object_id=str(person.id))
    assert invited.user_id == admin.id and invited.organisation_id == organisation.id

    member = make.user(Role.REFERRER, organisation,
                       locked_until=datetime.now(UTC) + timedelta(minutes=8))
    user_page = f"/admin/users/{member.id}"
    assert "Locked" in client.get(user_page).text

    for action, expected in [("unlock", "account.unlocked"), ("disable", "user.disabled"),
                             ("enable", "user.enabled")]:
        response = client.submit(f"/admin/users/{member.id}/{action}", {}, form_url=user_page)
        assert response.status_code == 302 and response.location == user_page, action
        [event] = audit_rows(session, expected, object_id=str(member.id))
        assert event.user_id == admin.id and event.outcome == "success"
        assert event.organisation_id == organisation.id
        session.refresh(member)
        if action == "unlock":
            assert member.locked_until is None
        elif action == "disable":
            assert member.disabled_at is not None
            assert "Disabled" in client.get(user_page).text
        else:
            assert member.disabled_at is None

    client.submit(f"/admin/users/{member.id}/role", {"role": "partner_admin"}, form_url=user_page,
                  status=302)
    session.refresh(member)
    assert member.role is Role.PARTNER_ADMIN
    [changed] = audit_rows(session, "user.role_changed", object_id=str(member.id))
    assert changed.detail == {"from": "referrer", "to": "partner_admin"}

    # The audit log shows what happened.
    log = client.get("/audit/?action=user.")
    assert "user.role_changed" in log.text and "user.disabled" in log.text


def test_a_program_admin_cannot_put_a_program_role_in_a_partner(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    member = make.user(Role.REFERRER, partner)
    client.sign_in(admin)
    page = client.submit_page(f"/admin/users/{member.id}/role", {"role": "coordinator"},
                              form_url=f"/admin/users/{member.id}")
    assert page.error_targets() == ["role-0"]
    session.refresh(member)
    assert member.role is Role.REFERRER


# --- CSRF on administration -----------------------------------------------------------------------

def test_an_invite_without_a_csrf_token_is_refused_and_keeps_the_answers(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    client.sign_in(admin)
    users_before = count(session, User)
    for token in (None, "forged-token"):
        data = dict(INVITEE) if token is None else {**INVITEE, "csrf_token": token}
        response = client.raw.post(f"/admin/organisations/{partner.id}/invite", data=data)
        assert response.status_code == 200
        page = Page(response)
        page.check_invariants()
        assert page.errors == [EXPIRED]
        assert page.value("email") == INVITEE["email"] and page.value("name") == INVITEE["name"]
        assert page.value("role") == "referrer"
        assert page.csrf_token(1), "a fresh token to send again with"
    assert count(session, User) == users_before

    # Sending again from the re-rendered page works.
    assert client.submit_page(f"/admin/organisations/{partner.id}/invite", INVITEE,
                              form_index=1).title.startswith("Invitation ready")


def test_disabling_without_a_csrf_token_is_refused(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    member = make.user(Role.REFERRER)
    client.sign_in(admin)
    for data in ({}, {"csrf_token": "forged-token"}):
        response = client.raw.post(f"/admin/users/{member.id}/disable", data=data)
        assert response.status_code == 400
    session.refresh(member)
    assert member.disabled_at is None
    assert not audit_rows(session, "user.disabled")


def test_creating_an_organisation_without_a_csrf_token_is_refused(client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    before = count(session, Organisation)
    response = client.raw.post("/admin/organisations/new", data={"name": "No Token Org",
                                                                 "kind": "law_enforcement"})
    assert response.status_code == 200
    assert Page(response).value("name") == "No Token Org"
    assert count(session, Organisation) == before

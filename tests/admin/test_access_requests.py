"""Requests for partner access: the public form (with its honeypot), approval and rejection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.public.models import AccessRequest, RequestStatus
from tests.accounts.helpers import audit_rows, client_of, count, local

REQUEST = {"organisation_name": "Eastside Outreach Collective", "organisation_kind": "community_partner",
           "contact_name": "Dana Contact", "contact_email": "Dana.Contact@Example.org",
           "contact_phone": "303 555 0199", "reason": "We meet people on the street every night.",
           "website": ""}


def ask(browser, **changes):
    response = browser.submit("/request-access", {**REQUEST, **changes})
    assert response.status_code == 302 and response.location == "/request-access/sent"
    return browser.get(response.location)


def pending(session) -> AccessRequest:
    session.expire_all()
    return session.query(AccessRequest).filter_by(
        organisation_name=REQUEST["organisation_name"]).one()


def test_approving_creates_the_organisation_and_invites_the_contact(client, new_client, make,
                                                                    session):
    ask(new_client())
    access = pending(session)
    assert access.status is RequestStatus.PENDING and access.contact_email == "dana.contact@example.org"
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    assert REQUEST["organisation_name"] in client.get("/admin/access-requests").text

    page = client.submit_page(f"/admin/access-requests/{access.id}", {"decision": "approve"})
    assert page.status == 200 and page.title.startswith("Invitation ready")
    link = page.soup.find(id="invitation-link")["value"]
    assert link.startswith("http://localhost/invitation/")

    organisation = session.query(Organisation).filter_by(name=REQUEST["organisation_name"]).one()
    assert organisation.kind is OrgKind.COMMUNITY_PARTNER
    contact = session.query(User).filter_by(email="dana.contact@example.org").one()
    assert contact.role is Role.PARTNER_ADMIN and contact.organisation_id == organisation.id
    assert contact.phone == "303 555 0199" and not contact.enrolled
    access = pending(session)
    assert access.status is RequestStatus.APPROVED and access.decided_by_id == admin.id
    assert access.organisation_id == organisation.id
    assert audit_rows(session, "access_request.approved", object_id=str(access.id))
    assert audit_rows(session, "organisation.created", object_id=str(organisation.id))
    assert audit_rows(session, "user.invited", object_id=str(contact.id))

    # The link is the contact's: it sets up a partner administrator of the new organisation.
    invitation = new_client().get(local(link))
    assert "partner administrator" in invitation.text and organisation.name in invitation.text


def test_approving_twice_is_refused(client, new_client, make, session):
    ask(new_client())
    access = pending(session)
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    url = f"/admin/access-requests/{access.id}"
    token = client.get(url).csrf_token(1)
    first = client.raw.post(url, data={"decision": "approve", "csrf_token": token})
    assert first.status_code == 200
    # A double click: the same form sent again.
    second = client.raw.post(url, data={"decision": "approve", "csrf_token": token})
    assert second.status_code == 200
    assert "This request has already been decided" in second.get_data(as_text=True)
    assert count(session, Organisation, Organisation.name == REQUEST["organisation_name"]) == 1
    assert count(session, User, User.email == "dana.contact@example.org") == 1
    assert len(audit_rows(session, "access_request.approved")) == 1
    # Nor can it be rejected afterwards.
    third = client.raw.post(url, data={"decision": "reject", "csrf_token": token})
    assert "This request has already been decided" in third.get_data(as_text=True)
    assert pending(session).status is RequestStatus.APPROVED


def test_rejecting_works_and_creates_nothing(client, new_client, make, session):
    ask(new_client())
    access = pending(session)
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    orgs, users = count(session, Organisation), count(session, User)
    response = client.submit(f"/admin/access-requests/{access.id}", {"decision": "reject"},
                             form_index=1)
    assert response.status_code == 302 and response.location == "/admin/access-requests"
    access = pending(session)
    assert access.status is RequestStatus.REJECTED and access.decided_by_id == admin.id
    assert (count(session, Organisation), count(session, User)) == (orgs, users)
    assert audit_rows(session, "access_request.rejected", object_id=str(access.id))
    page = client.get("/admin/access-requests")
    assert "No requests are waiting" in page.text and "rejected" in page.text


def test_an_approval_that_cannot_complete_leaves_nothing_half_made(client, new_client, make,
                                                                     session):
    existing = make.user(email="dana.contact@example.org")
    ask(new_client())
    access = pending(session)
    admin = make.user(Role.PROGRAM_ADMIN)
    client.sign_in(admin)
    page = client.submit_page(f"/admin/access-requests/{access.id}", {"decision": "approve"},
                              form_index=1)
    assert page.status == 200
    assert page.errors == ["That email address already has an account. Enter a different one"]
    assert count(session, Organisation, Organisation.name == REQUEST["organisation_name"]) == 0
    assert pending(session).status is RequestStatus.PENDING
    session.refresh(existing)
    assert existing.role is Role.REFERRER


def test_only_program_admins_decide(client, new_client, make, session):
    ask(new_client())
    access = pending(session)
    partner_admin = make.user(Role.PARTNER_ADMIN)
    client.sign_in(partner_admin)
    client.get(f"/admin/access-requests/{access.id}", status=403)
    response = client.submit(f"/admin/access-requests/{access.id}", {"decision": "approve"},
                             form_url="/home")
    assert response.status_code == 403
    assert pending(session).status is RequestStatus.PENDING
    assert count(session, Organisation, Organisation.name == REQUEST["organisation_name"]) == 0


def test_the_honeypot_stores_nothing_but_looks_the_same(new_client, session):
    before = count(session, AccessRequest)
    bot_page = ask(new_client(), website="http://spam.example")
    assert count(session, AccessRequest) == before
    assert not audit_rows(session, "access_request.submitted")
    person_page = ask(new_client())
    assert count(session, AccessRequest) == before + 1
    assert bot_page.text == person_page.text and bot_page.title == person_page.title


def test_the_form_cannot_set_its_own_status(new_client, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    ask(new_client(), status="approved", decided_by_id=str(admin.id), organisation_id="1")
    access = pending(session)
    assert access.status is RequestStatus.PENDING
    assert access.decided_by_id is None and access.organisation_id is None


def test_a_law_enforcement_request_cannot_ask_to_be_the_program(new_client, session):
    browser = new_client()
    page = browser.submit_page("/request-access", {**REQUEST, "organisation_kind": "program"})
    assert page.status == 200 and page.error_targets() == ["organisation_kind-0"]
    assert count(session, AccessRequest) == 0


def test_the_public_form_is_rate_limited(other_app, session):
    limited = client_of(other_app(ratelimit_enabled=True))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1), tick=False):
        for n in range(5):
            page = limited.get("/request-access")
            response = limited.raw.post("/request-access", data={
                **REQUEST, "organisation_name": f"Org {n}", "csrf_token": page.csrf_token()})
            assert response.status_code == 302, n
        page = limited.get("/request-access")
        response = limited.raw.post("/request-access", data={**REQUEST,
                                                             "csrf_token": page.csrf_token()})
        assert response.status_code == 429
    assert count(session, AccessRequest) == 5

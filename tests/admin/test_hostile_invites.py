"""Invitations and email addresses under hostile use (issue 10, items 14 and 17): no answer tells
a partner administrator whether an address has an account in another organisation; lookalike
addresses do not make separate accounts; addresses a spreadsheet would run are refused."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import OrgKind, Role, User
from tests.accounts.helpers import audit_rows, count
from tests.admin.test_admin_scope import INVITEE
from tests.pages import Page

MIXED = "Enter an email address written in one alphabet"
FORMULA = "An email address cannot start with = + - or @"


def invite(client, organisation, email: str) -> Page:
    return client.submit_page(f"/admin/organisations/{organisation.id}/invite",
                              {**INVITEE, "email": email})


def shape(page: Page) -> tuple:
    """What the inviting administrator sees, less the link itself (random in any case)."""
    text = re.sub(r"http://localhost/invitation/[\w\-]+", "LINK", page.text)
    return page.status, page.title, text.replace(page.value("email") or "", "")


@pytest.fixture
def partner_admin(make, client):
    own = make.org(OrgKind.LAW_ENFORCEMENT)
    admin = make.user(Role.PARTNER_ADMIN, own)
    client.sign_in(admin)
    return own, admin


def test_an_address_with_an_account_elsewhere_gets_the_same_answer(client, make, session,
                                                                  partner_admin):
    own, _ = partner_admin
    elsewhere = make.user(Role.REFERRER, make.org(OrgKind.COMMUNITY_PARTNER),
                          email="known@shelter.example")
    fresh = invite(client, own, "unknown@shelter.example")
    taken = invite(client, own, "known@shelter.example")
    assert shape(taken) == shape(fresh)
    assert taken.soup.find(id="invitation-link") is not None
    assert not taken.errors
    # Nothing was made, and the other organisation's user is unchanged.
    assert count(session, User, User.email == "known@shelter.example") == 1
    session.refresh(elsewhere)
    assert elsewhere.organisation_id != own.id
    # The decoy link leads nowhere; the attempt is in the audit log for the program.
    link = taken.soup.find(id="invitation-link")["value"].removeprefix("http://localhost")
    assert client.raw.get(link).status_code == 404
    [row] = audit_rows(session, "user.invite_not_sent")
    assert row.detail == {"reason": "email has an account"}


def test_an_address_in_the_admins_own_organisation_still_says_so(client, make, partner_admin):
    own, _ = partner_admin
    colleague = make.user(Role.REFERRER, own)
    page = invite(client, own, colleague.email)
    assert page.errors == ["That email address already has an account. Enter a different one"]


@pytest.mark.parametrize("typed", ["Known@Shelter.Example", "known@ｓhelter.example",
                                   "ｋnown@shelter.example"])
def test_case_and_compatibility_forms_meet_the_same_account(client, make, session, typed):
    admin = make.user(Role.PROGRAM_ADMIN)
    partner = make.org()
    make.user(Role.REFERRER, partner, email="known@shelter.example")
    client.sign_in(admin)
    page = invite(client, partner, typed)
    assert page.errors == ["That email address already has an account. Enter a different one"]
    assert count(session, User) == 2


def test_a_ligature_is_stored_as_its_letters(client, make, session, partner_admin):
    own, _ = partner_admin
    page = invite(client, own, "ofﬁcer@police.example")  # "ﬁ" is one character, U+FB01
    assert not page.errors
    assert count(session, User, User.email == "officer@police.example") == 1


@pytest.mark.parametrize("typed", ["раul@police.example",  # Cyrillic р and а among Latin
                                   "paul@pоlice.example"])  # a Cyrillic о in the domain
def test_mixed_script_addresses_are_refused_with_the_answers_kept(client, session, partner_admin,
                                                                 typed):
    own, _ = partner_admin
    page = invite(client, own, typed)
    assert page.status == 200
    assert len(page.errors) == 1 and page.errors[0].startswith(MIXED)
    assert page.value("email") == typed and page.value("name") == INVITEE["name"]
    assert count(session, User, User.organisation_id == own.id) == 1


def test_one_alphabet_other_than_latin_is_accepted(client, session, partner_admin):
    own, _ = partner_admin
    page = invite(client, own, "иван@почта.example")
    assert not page.errors


@pytest.mark.parametrize("typed", ["=1+2@example.org", "+1@example.org", "-2+3@example.org",
                                   "@SUM(1)@example.org"])
def test_addresses_a_spreadsheet_would_run_are_refused_everywhere(client, new_client, session,
                                                                  partner_admin, typed):
    own, _ = partner_admin
    page = invite(client, own, typed)
    assert page.errors and page.errors[0].startswith(("An email address cannot start",
                                                      "Enter an email address in the correct"))
    if typed[0] != "@":
        assert page.errors == [FORMULA + ". Enter the address without it"]
    public = new_client().submit_page("/request-access", {
        "organisation_name": "Eastside Shelter", "organisation_kind": "community_partner",
        "contact_name": "Rosa", "contact_email": typed, "contact_phone": "303 555 0199",
        "reason": "Outreach."})
    assert public.status == 200 and public.errors
    reset = new_client().submit_page("/password-reset", {"email": typed})
    assert reset.status == 200 and reset.errors

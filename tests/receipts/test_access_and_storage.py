"""Who may print, what is audited, and the stored document that makes a reprint the same file."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import update

from portal.accounts.models import OrgKind, Role
from portal.receipts import documents, operations, queries
from portal.receipts.models import StoredDocument
from tests.receipts.helpers import (
    ARREST,
    DOCUMENT_URLS,
    DOWNLOADED,
    PRINTED,
    audit_rows,
    count,
    filename,
    pdf,
    stored,
    text,
)


@pytest.fixture
def officer(make):
    return make.user(Role.REFERRER)


@pytest.fixture
def referral(client, make, officer):
    client.sign_in(officer)
    sent = make.referral(ARREST, by=officer)
    return sent.id, sent.reference


# --- access ----------------------------------------------------------------------------------------


def test_a_partner_of_another_organisation_gets_404_and_nothing_is_printed(referral, make,
                                                                           signed_in, session):
    referral_id, _ = referral
    for role in (Role.REFERRER, Role.PARTNER_ADMIN):
        stranger = signed_in(make.user(role, kind=OrgKind.LAW_ENFORCEMENT))
        for url in DOCUMENT_URLS:
            response = stranger.raw.get(f"/referrals/{referral_id}/{url}")
            assert response.status_code == 404, (role, url)
            assert b"%PDF" not in response.data
    assert audit_rows(session, PRINTED, DOWNLOADED) == []
    refusals = audit_rows(session, "access.refused", object_id=str(referral_id))
    assert len(refusals) == 2 * len(DOCUMENT_URLS)
    assert {r.outcome for r in refusals} == {"refused"}
    assert stored(session, referral_id) == []


def test_the_organisations_administrator_and_program_staff_may_print(referral, officer, make,
                                                                      signed_in, session):
    referral_id, reference = referral
    people = [make.user(Role.PARTNER_ADMIN, officer.organisation),
              make.user(Role.COORDINATOR), make.user(Role.PROGRAM_ADMIN)]
    for person in people:
        browser = signed_in(person)
        for url in DOCUMENT_URLS:
            response = browser.raw.get(f"/referrals/{referral_id}/{url}")
            assert response.status_code == 200, (person.role, url)
        page = browser.get(f"/referrals/{referral_id}/receipt")
        has_back = bool(page.soup.select(".toolbar a[href='/referrals/%d']" % referral_id))
        assert has_back is (person.role is Role.PARTNER_ADMIN)
    rows = audit_rows(session, PRINTED, DOWNLOADED, object_id=str(referral_id))
    assert len(rows) == len(people) * (len(DOCUMENT_URLS) + 1)


def test_another_referrer_of_the_same_organisation_follows_referral_for(referral, officer, make,
                                                                        signed_in):
    """referral_for shows a referrer their own referrals only; the receipts follow it."""
    referral_id, _ = referral
    colleague = signed_in(make.user(Role.REFERRER, officer.organisation))
    assert colleague.raw.get(f"/referrals/{referral_id}/receipt.pdf").status_code == 404


def test_a_draft_has_no_documents(client, officer, session):
    from tests.referrals import builders

    client.sign_in(officer)
    draft_id = builders.fill_draft(client, ARREST)
    for url in DOCUMENT_URLS:
        assert client.raw.get(f"/referrals/{draft_id}/{url}").status_code == 404
    assert stored(session, draft_id) == []


# --- the links on the confirmation and referral pages ----------------------------------------------


def test_the_confirmation_and_referral_pages_link_to_print_and_download(client, referral):
    referral_id, _ = referral
    for url in (f"/referrals/{referral_id}/confirmation", f"/referrals/{referral_id}"):
        page = client.get(url)
        links = {a["href"]: " ".join(a.get_text(" ").split())
                 for a in page.soup.select("#receipt-links a")}
        assert links[f"/referrals/{referral_id}/receipt"].startswith("Print")
        assert links[f"/referrals/{referral_id}/receipt.pdf"].startswith("Download PDF")
        for language in ("en", "es"):
            assert f"/referrals/{referral_id}/person-receipt.pdf?language={language}" in links
        assert f"/referrals/{referral_id}/consent-copy.pdf" in links
        for href in links:
            assert client.raw.get(href).status_code == 200, href


# --- audit and storage -----------------------------------------------------------------------------


def test_each_print_and_download_writes_an_audit_row(client, referral, officer, session):
    referral_id, _ = referral
    client.get(f"/referrals/{referral_id}/person-receipt?language=es")
    pdf(client, f"/referrals/{referral_id}/consent-copy.pdf")
    pdf(client, f"/referrals/{referral_id}/consent-copy.pdf")
    printed, *downloads = audit_rows(session, PRINTED, DOWNLOADED, object_id=str(referral_id))
    assert (printed.action, printed.detail) == (PRINTED, {"kind": "person_receipt",
                                                          "language": "es"})
    assert printed.user_id == officer.id and printed.organisation_id == officer.organisation_id
    document = stored(session, referral_id)[0]
    assert [(d.action, d.detail) for d in downloads] == [
        (DOWNLOADED, {"kind": "consent_copy", "language": "en", "document": document.id,
                      "sha256": document.sha256, "first_print": first,
                      "printed_for": "submitted|" + document.printed_for.split("|")[1]})
        for first in (True, False)]


def test_a_reprint_is_the_same_file_byte_for_byte(client, referral, make, signed_in, session):
    referral_id, reference = referral
    first = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    again = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    coordinator = signed_in(make.user(Role.COORDINATOR))
    by_staff = pdf(coordinator, f"/referrals/{referral_id}/receipt.pdf")
    assert first.data == again.data == by_staff.data
    assert filename(first) == filename(again) == f"lead-receipt-{reference}.pdf"
    [document] = stored(session, referral_id)
    assert document.content == first.data
    assert document.sha256 == hashlib.sha256(first.data).hexdigest()


def test_a_print_after_a_status_change_is_a_new_version_and_the_first_stays(client, referral,
                                                                           session):
    referral_id, _ = referral
    first = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    assert "Status: Submitted" in text(first.data)
    client.submit(f"/referrals/{referral_id}/withdraw", {"reason": "Referred twice"},
                  form_url=f"/referrals/{referral_id}")  # the referral changes after printing
    after = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    again = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    said = text(after.data)
    assert "Status: Withdrawn" in said and "This referral is closed" in said
    assert "charges are held" not in said.lower() and "case manager" not in said.lower()
    assert after.data != first.data and again.data == after.data
    old, new = stored(session, referral_id)
    assert old.content == first.data and new.content == after.data  # the first print stays
    assert old.printed_for.startswith("submitted|") and new.printed_for == "withdrawn|" + \
        old.printed_for.split("|")[1]


def test_the_stored_document_records_what_made_it(client, referral, officer, session):
    referral_id, _ = referral
    pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    pdf(client, f"/referrals/{referral_id}/person-receipt.pdf?language=es")
    pdf(client, f"/referrals/{referral_id}/person-receipt.pdf?language=en")
    rows = stored(session, referral_id)
    assert [(r.kind, r.language) for r in rows] == [("receipt", "en"), ("person_receipt", "es"),
                                                    ("person_receipt", "en")]
    for row in rows:
        assert row.paper_size == "Letter" and row.renderer.startswith("WeasyPrint ")
        assert row.template_version.startswith(f"{documents.LAYOUT_VERSION}+") and len(row.template_version) == 18
        assert row.created_by_id == officer.id and row.created_at is not None
    assert rows[1].content != rows[2].content


def test_a_pdf_response_is_a_download_that_is_not_kept(client, referral):
    referral_id, _ = referral
    response = pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    assert response.headers["Cache-Control"] == "no-store"


def test_stored_bytes_that_no_longer_match_their_sha256_are_not_served(client, referral, session):
    referral_id, _ = referral
    pdf(client, f"/referrals/{referral_id}/receipt.pdf")
    session.execute(update(StoredDocument).values(content=b"%PDF-1.7 tampered"))
    session.commit()
    # Refused, not served (the test app propagates the error; production shows its 500 page).
    with pytest.raises(operations.Corrupted):
        client.raw.get(f"/referrals/{referral_id}/receipt.pdf")


def test_two_first_prints_at_once_keep_one_document(client, referral, session, monkeypatch):
    """The second request's look-up ran before the first one committed: its insert meets the
    unique constraint, and it serves the document the first one stored."""
    referral_id, _ = referral
    first = pdf(client, f"/referrals/{referral_id}/receipt.pdf").data
    monkeypatch.setattr(queries, "stored", _misses_once(queries.stored))
    assert pdf(client, f"/referrals/{referral_id}/receipt.pdf").data == first
    assert count(session, StoredDocument) == 1


def _misses_once(look_up):
    calls = []

    def patched(*args):
        calls.append(args)
        return None if len(calls) == 1 else look_up(*args)

    return patched


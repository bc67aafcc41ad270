"""Views that show or refuse something write an audit row too, never with what was typed:
the revoke form, the audit log page, and every CSRF failure (the global check and a form's)."""

from portal.accounts.models import Role
from portal.referrals.answers import SOCIAL
from portal.referrals.states import Status
from tests.reading import audit_rows

TYPED = "positive opiate screen QX7"


def test_viewing_the_revoke_form_is_audited(signed_in, make, session):
    referral = make.referral(SOCIAL, status=Status.SUBMITTED)
    partner = signed_in(referral.referrer)
    assert partner.get(f"/referrals/{referral.id}/consent/revoke").status == 200
    [row] = audit_rows(session, "consent.revoke_form_viewed")
    assert (row.user_id, row.object_type, row.object_id) == (referral.referrer_id, "referrals",
                                                             str(referral.id))
    assert row.outcome == "success" and row.detail == {}


def test_viewing_the_audit_log_is_audited_with_the_filters_used_but_not_their_values(
        signed_in, make, session):
    admin = make.user(Role.PROGRAM_ADMIN)
    browser = signed_in(admin)
    assert browser.get("/audit/").status == 200
    assert browser.get(f"/audit/?email={TYPED}&outcome=refused").status == 200
    first, second = audit_rows(session, "audit.viewed", user_id=admin.id)
    assert first.detail == {"filters": []}
    assert second.detail == {"filters": ["email", "outcome"]}
    assert TYPED not in str(second.detail)


def test_a_form_sent_without_its_csrf_token_is_audited_as_refused(signed_in, make, session):
    referral = make.referral(SOCIAL, status=Status.SUBMITTED)
    partner = signed_in(referral.referrer)
    page = partner.submit_page(f"/referrals/{referral.id}/consent/revoke",
                               {"requested_on": "1/2/2026", "method": "in_writing", "note": TYPED},
                               csrf=False)
    assert page.status == 200 and page.errors, "the form comes back with its answers"
    [row] = audit_rows(session, "csrf.refused")
    assert (row.user_id, row.outcome) == (referral.referrer_id, "refused")
    assert row.detail == {"endpoint": "consent.revoke", "method": "POST"}
    assert audit_rows(session, "consent.revocation_recorded") == []


def test_a_post_failing_the_global_csrf_check_is_audited_as_refused(client, make, session):
    user = make.user(Role.REFERRER)
    client.sign_in(user)
    assert client.raw.post("/sign-out", data={"note": TYPED}).status_code == 400
    [row] = audit_rows(session, "csrf.refused")
    assert (row.user_id, row.outcome) == (user.id, "refused")
    assert row.detail == {"endpoint": "accounts.sign_out", "method": "POST"}


def test_an_anonymous_csrf_failure_is_audited_without_a_user(client, session):
    page = client.submit_page("/request-access", {"organisation_name": TYPED}, csrf=False)
    assert page.status == 200
    [row] = audit_rows(session, "csrf.refused")
    assert row.user_id is None and row.detail["method"] == "POST"

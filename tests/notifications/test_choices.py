"""Each user chooses which optional notices they get, within what their role requires."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role
from portal.notices.kinds import NOTICES
from portal.notifications.models import NoticeChoice
from tests.reading import audit_rows


def stored(session, user) -> dict[str, str]:
    session.expire_all()
    return {row.notice: row.choice for row in session.scalars(
        select(NoticeChoice).where(NoticeChoice.user_id == user.id))}


def test_the_notices_page_is_linked_from_the_account_area(client, make):
    client.sign_in(make.user(Role.REFERRER))
    profile = client.get("/profile")
    assert profile.soup.find("a", href="/profile/notices")


def test_a_referrer_sees_what_is_required_and_chooses_the_rest(client, make, session):
    user = make.user(Role.REFERRER)
    client.sign_in(user)
    page = client.get("/profile/notices")
    required = [li.get_text() for li in page.soup.select("#required-notices li")]
    assert required == [NOTICES["information_requested"].label, NOTICES["decision_made"].label]
    assert page.value("withdrawal_acknowledged") == "on"
    assert page.value("revocation_recorded") == "on"
    assert page.soup.find(attrs={"name": "decision_made"}) is None, "required: no choice"
    assert page.soup.find(attrs={"name": "new_referral"}) is None, "not for a referrer"

    response = client.submit("/profile/notices", {"withdrawal_acknowledged": "off",
                                                  "revocation_recorded": "on"})
    assert response.status_code == 302
    assert stored(session, user) == {"withdrawal_acknowledged": "off", "revocation_recorded": "on"}
    assert audit_rows(session, "notices.choices_changed", user_id=user.id)
    assert client.get("/profile/notices").value("withdrawal_acknowledged") == "off"


def test_a_required_notice_cannot_be_turned_off_by_a_crafted_post(client, make, session):
    user = make.user(Role.REFERRER)
    client.sign_in(user)
    client.submit("/profile/notices", {"withdrawal_acknowledged": "on",
                                       "revocation_recorded": "on", "decision_made": "off",
                                       "new_referral": "digest"}, status=302)
    assert set(stored(session, user)) == {"withdrawal_acknowledged", "revocation_recorded"}


def test_a_choice_not_offered_is_refused_with_the_answers_kept(client, make, session):
    user = make.user(Role.PARTNER_ADMIN)
    client.sign_in(user)
    page = client.submit_page("/profile/notices", {"decision_made": "sometimes",
                                                   "information_requested": "on",
                                                   "withdrawal_acknowledged": "on",
                                                   "revocation_recorded": "off"})
    assert page.status == 200 and page.title.startswith("Error: ")
    assert page.errors == ["Choose how you get this notice: a referral is accepted or declined"]
    assert page.error_targets() == ["decision_made-0"]
    assert page.value("revocation_recorded") == "off", "answers kept"
    assert stored(session, user) == {}


def test_a_coordinator_chooses_new_referrals_at_once_or_in_the_digest(client, make, session):
    user = make.user(Role.COORDINATOR)
    client.sign_in(user)
    page = client.get("/profile/notices")
    assert page.value("new_referral") == "at_once"
    assert page.value("digest") == "on"
    client.submit("/profile/notices", {"new_referral": "digest", "digest": "on"}, status=302)
    assert stored(session, user) == {"new_referral": "digest", "digest": "on"}

"""The possible-duplicate pairs the queue reads are kept when a referral is sent and when its
person page is corrected: a corrected date of birth leaves the old match and finds the new one,
on both rows (issue 12, speed: the queue no longer matches names on every page)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from portal.referrals.states import Status
from portal.review.commands import rebuild_duplicates
from portal.review.models import DuplicatePair
from tests.review.helpers import act, queue_rows

OLD_BIRTHDAY, NEW_BIRTHDAY = date(1985, 1, 20), date(1990, 3, 17)


def _pairs(session) -> set[tuple[int, int]]:
    session.expire_all()
    return set(session.execute(select(DuplicatePair.referral_id, DuplicatePair.other_id)).all())


def _flagged(browser) -> set[str]:
    return {row["Reference"] for row in queue_rows(browser.get("/review/"))
            if row["Name"].endswith("Possible duplicate")}


def test_a_corrected_birthday_moves_the_flag_from_the_old_match_to_the_new(
        make, session, signed_in, officer, casey):
    referral = make.referral(by=officer, status=Status.IN_REVIEW, claimed_by=casey,
                             screening="needs_review", date_of_birth=OLD_BIRTHDAY)
    old_match = make.referral(by=officer, date_of_birth=OLD_BIRTHDAY, age_days=10)
    new_match = make.referral(by=officer, date_of_birth=NEW_BIRTHDAY, age_days=20)
    coordinator, partner = signed_in(casey), signed_in(officer)
    assert _pairs(session) == {(referral.id, old_match.id), (old_match.id, referral.id)}
    assert _flagged(coordinator) == {referral.reference, old_match.reference}

    act(coordinator, referral.id, "request-information",
        {"question": "Please check the date of birth.", "pages": ["person"]}, status=302)
    partner.submit(f"/referrals/{referral.id}/correct/person",
                   {"legal_name": "jose o'neil", "date_of_birth-month": "3",
                    "date_of_birth-day": "17", "date_of_birth-year": "1990", "language": "en"},
                   status=302)
    partner.submit(f"/referrals/{referral.id}/answer", {"answer": "Corrected."},
                   form_url=f"/referrals/{referral.id}", status=302)

    assert _pairs(session) == {(referral.id, new_match.id), (new_match.id, referral.id)}
    assert _flagged(coordinator) == {referral.reference, new_match.reference}


def test_the_command_makes_the_pairs_again(app, make, session, officer):
    """Two referrals of one person sent at the same moment, in two transactions, miss each other:
    ``lead-portal duplicates`` finds them (shown here by dropping the pairs first)."""
    first = make.referral(by=officer, date_of_birth=OLD_BIRTHDAY, age_days=3)
    second = make.referral(by=officer, date_of_birth=OLD_BIRTHDAY)
    make.referral(by=officer, date_of_birth=NEW_BIRTHDAY)
    session.execute(delete(DuplicatePair))
    session.commit()
    assert _pairs(session) == set()

    result = app.test_cli_runner().invoke(rebuild_duplicates, [])
    assert result.exit_code == 0, result.output
    assert result.output == "1 possible-duplicate pair(s) kept.\n"
    assert _pairs(session) == {(first.id, second.id), (second.id, first.id)}

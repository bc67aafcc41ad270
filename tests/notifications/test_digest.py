"""The coordinators' weekday digest: unclaimed referrals older than the ruleset's threshold,
intake deadlines due within its window, new referrals for those who chose them in the digest;
once a day however often it runs, and never at the weekend."""

from __future__ import annotations

from datetime import date, timedelta

from portal.notices.commands import digest
from portal.notifications.models import NoticeChoice
from portal.referrals.states import Status
from tests.notifications.helpers import deliver, outbox, text_of
from tests.review.helpers import coordinators

# A weekday on or after today (the deadlines are counted from it), and a Saturday.
WEEKDAY = date.today() + timedelta(days=max(0, 7 - date.today().weekday()) if
                                   date.today().weekday() >= 5 else 0)
SATURDAY = WEEKDAY + timedelta(days=5 - WEEKDAY.weekday())


def run_digest(app, day: date):
    result = app.test_cli_runner().invoke(digest, ["--on", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_digest_lists_what_needs_a_coordinator(make, session, officer, mail_app, mailbox):
    casey, kim = coordinators(make, session, 2)
    session.add(NoticeChoice(user_id=kim.id, notice="digest", choice="off"))
    session.commit()
    person = {"legal_name": "Pat Example", "date_of_birth": date(1985, 4, 2)}
    old = make.referral(by=officer, age_days=5, **person)
    young = make.referral(by=officer, age_days=1, **person)
    held = make.referral(by=officer, status=Status.IN_REVIEW, age_days=9, claimed_by=casey,
                         **person)
    due = make.referral(by=officer, status=Status.ACCEPTED, age_days=25, decider=casey,
                        intake_deadline=WEEKDAY + timedelta(days=5), **person)
    later = make.referral(by=officer, status=Status.ACCEPTED, age_days=10, decider=casey,
                          intake_deadline=WEEKDAY + timedelta(days=20), **person)

    assert "1 digest(s) queued." in run_digest(mail_app, WEEKDAY)
    deliver(mail_app)
    [message] = [m for m in mailbox.messages() if "digest" in m["Subject"]]
    assert message["To"] == casey.email, "Kim turned it off"
    text = text_of(message)
    assert old.reference in text and f"http://localhost/review/referrals/{old.id}" in text
    assert due.reference in text and due.intake_deadline.isoformat() in text
    for absent in (young, held, later):
        assert absent.reference not in text
    assert "Not claimed for more than 3 days (1)" in text
    assert "Intake deadlines in the next 7 days (1)" in text
    assert "Pat Example" not in text and "1985" not in text

    assert "0 digest(s) queued." in run_digest(mail_app, WEEKDAY), "once a day"
    assert "0 digest(s) queued." in run_digest(mail_app, SATURDAY), "weekdays only"


def test_new_referrals_come_in_the_digest_for_those_who_chose_it(make, session, officer,
                                                                 mail_app):
    casey, lee = coordinators(make, session, 2)
    session.add(NoticeChoice(user_id=lee.id, notice="new_referral", choice="digest"))
    session.commit()
    fresh = make.referral(by=officer)
    run_digest(mail_app, WEEKDAY)
    mine = {m.recipient: m for m in outbox(session, kind="digest")}
    assert "New since your last digest (1)" in mine[lee.email].body
    assert fresh.reference in mine[lee.email].body
    assert casey.email not in mine, "nothing unclaimed for long, no deadlines: no email"


def test_the_thresholds_are_ruleset_data(make, session, officer, other_app, tmp_path):
    from portal.eligibility.loader import DEFAULT_RULESET_NAME
    from importlib.resources import files

    shipped = files("portal.eligibility").joinpath(DEFAULT_RULESET_NAME).read_text()
    custom = tmp_path / "rules.toml"
    custom.write_text(shipped.replace("unclaimed_after_days = 3", "unclaimed_after_days = 0"))
    app = other_app(ruleset_path=str(custom))
    [casey] = coordinators(make, session)
    young = make.referral(by=officer)
    run_digest(app, WEEKDAY)
    [message] = outbox(session, kind="digest")
    assert message.recipient == casey.email and young.reference in message.body
    assert "Not claimed for more than 0 days (1)" in message.body

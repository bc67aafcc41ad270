"""The verbs of notifications: users' choices of notices, and retrying a failed message.
Each takes its actor, writes its audit row, flushes but never commits."""

from __future__ import annotations

from sqlalchemy import select

from portal import audit, db
from portal.accounts.models import Role, User
from portal.notices.kinds import rule_for
from portal.notifications.models import NoticeChoice, OutboxMessage


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def choices_of(users: list[User], notice: str, as_role: Role | None = None) -> dict[int, str]:
    """Each user's choice for ``notice``, within what their role (or ``as_role``: a partner
    administrator who made the referral gets its notices as its referrer) allows; a user
    missing from the result does not get the notice."""
    if not users:
        return {}
    stored = dict(db.session().execute(
        select(NoticeChoice.user_id, NoticeChoice.choice)
        .where(NoticeChoice.notice == notice, NoticeChoice.user_id.in_([u.id for u in users]))
    ).all())
    result = {}
    for user in users:
        rule = rule_for(notice, as_role or user.role)
        if rule is not None:
            chosen = stored.get(user.id)
            result[user.id] = chosen if chosen in rule.choices else rule.default
    return result


def set_choices(actor: User, choices: dict[str, str]) -> None:
    """Save the actor's choices; a notice their role requires, or does not get, is refused."""
    existing = {row.notice: row for row in db.session().scalars(
        select(NoticeChoice).where(NoticeChoice.user_id == actor.id))}
    for notice, choice in choices.items():
        rule = rule_for(notice, actor.role)
        if rule is None or choice not in rule.choices:
            raise Refused("Choose one of the options shown for each notice")
        if notice in existing:
            existing[notice].choice = choice
        else:
            db.session().add(NoticeChoice(user_id=actor.id, notice=notice, choice=choice))
    db.session().flush()
    audit.record("notices.choices_changed", actor=actor, subject=actor, detail=dict(choices))


def retry_message(actor: User, message: OutboxMessage) -> None:
    """Give a message that failed a new set of attempts, due at once."""
    if message.sent_at is not None:
        raise Refused("This message has already been sent")
    message.failed_at = message.claimed_until = message.claimed_by = None
    message.attempts = 0
    message.next_attempt_at = db.utcnow()
    db.session().flush()
    audit.record("outbox.retried", actor=actor, subject=("outbox_messages", message.id),
                 detail={"kind": message.kind})

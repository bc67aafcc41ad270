"""A referral's versions side by side: the answers and the screening of the latest version beside
the one before, each row saying in words whether it changed. Every version is kept; the page
compares the last two (what the partner's latest reply changed) and lists the older ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal import db
from portal.accounts.models import User
from portal.eligibility import Ruleset
from portal.referrals import presenter
from portal.referrals.answers import Answers
from portal.referrals.models import Referral, ReferralVersion, Screening

DECISION_WORDS = {"eligible": "Eligible", "ineligible": "Not eligible",
                  "needs_review": "Needs review"}
OUTCOME_WORDS = {"pass": "Passes", "fail": "Rule not met", "review": "For review"}
NOT_ON = "Not on this version"
ALL_PASS = "Every rule passes"


@dataclass(frozen=True)
class Side:
    """One version: when and by whom, and the screening that judged its answers."""

    number: int
    created_at: datetime
    created_by: User | None
    screening: Screening | None
    screened_as: int | None  # the version that screening was run on (an answer alone keeps it)

    @property
    def decision(self) -> str:
        return DECISION_WORDS.get(self.screening.decision, self.screening.decision) \
            if self.screening else "Not screened"

    @property
    def rule_results(self) -> tuple[str, ...]:
        """The rules not passed, in words (as the screening box says them), or that all pass."""
        findings = self.screening.result.get("findings", []) if self.screening else []
        issues = tuple(f"{OUTCOME_WORDS.get(f.get('outcome'), f.get('outcome'))}: "
                       f"{f.get('message')}" for f in findings if f.get("outcome") != "pass")
        return issues or (ALL_PASS,) if self.screening else ()


@dataclass(frozen=True)
class ComparedRow:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Comparison:
    earlier: Side
    later: Side
    sections: list[tuple[str, list[ComparedRow]]]
    older: list[Side]  # the versions before ``earlier``, kept and listed

    @property
    def changed(self) -> int:
        return sum(row.changed for _, rows in self.sections for row in rows)

    @property
    def screening_changed(self) -> bool:
        return (self.earlier.decision, self.earlier.rule_results) != (
            self.later.decision, self.later.rule_results)


def compare(referral: Referral, ruleset: Ruleset) -> Comparison | None:
    """None while the referral has one version only."""
    versions = list(db.session().scalars(select(ReferralVersion).where(
        ReferralVersion.referral_id == referral.id).order_by(ReferralVersion.number)))
    if len(versions) < 2:
        return None
    screenings = list(db.session().scalars(select(Screening).where(
        Screening.referral_id == referral.id).order_by(Screening.version_number, Screening.id)))
    people = {u.id: u for u in db.session().scalars(
        select(User).where(User.id.in_({v.created_by_id for v in versions})))}
    sides = [_side(v, screenings, people) for v in versions]
    earlier, later = versions[-2:]
    return Comparison(sides[-2], sides[-1], _rows(referral.route, earlier, later, ruleset),
                      sides[:-2])


def _side(version: ReferralVersion, screenings: list[Screening], people: dict) -> Side:
    judged = [s for s in screenings if s.version_number <= version.number]
    screening = judged[-1] if judged else None
    return Side(version.number, version.created_at, people.get(version.created_by_id), screening,
                screening.version_number if screening else None)


def _rows(route: str, earlier: ReferralVersion, later: ReferralVersion,
          ruleset: Ruleset) -> list[tuple[str, list[ComparedRow]]]:
    before = _flat(Answers.parse(route, earlier.answers), ruleset)
    after = _flat(Answers.parse(route, later.answers), ruleset)
    grouped: dict[str, list[ComparedRow]] = {}
    for key in dict.fromkeys([*after, *before]):  # the later order, then rows it dropped
        section, label, _ = key
        grouped.setdefault(section, []).append(
            ComparedRow(label, before.get(key, NOT_ON), after.get(key, NOT_ON)))
    return list(grouped.items())


def _flat(answers: Answers, ruleset: Ruleset) -> dict[tuple[str, str, int], str]:
    """Each row by (section, label, how many rows of that label came before it)."""
    flat: dict[tuple[str, str, int], str] = {}
    for section, rows in presenter.sections(answers, ruleset):
        seen: dict[str, int] = {}
        for row in rows:
            flat[(section, row.label, seen.get(row.label, 0))] = row.value
            seen[row.label] = seen.get(row.label, 0) + 1
    return flat

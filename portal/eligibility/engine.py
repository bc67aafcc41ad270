"""The screening engine: facts and a ruleset in, a decision with its reasons out.

Each rule yields findings (pass, fail or review), each with a plain-words message and the clause
of the ruleset it applies. The decision follows from the findings alone: any fail makes the
referral ineligible; otherwise any review sends it to a coordinator; only all-pass is eligible.
Anything the engine does not recognise reads as "review", never as "pass", so an unknown answer
can delay a referral but never wave it through.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from .facts import ChargeFacts, Facts, FactsError
from .ruleset import OTHER_CHARGE, Charge, Qualifier, Route, Ruleset

ELIGIBLE, INELIGIBLE, NEEDS_REVIEW = "eligible", "ineligible", "needs_review"
PASS, FAIL, REVIEW = "pass", "fail", "review"
DECISIONS = (ELIGIBLE, INELIGIBLE, NEEDS_REVIEW)
OUTCOMES = (PASS, FAIL, REVIEW)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    outcome: str
    message: str
    clause: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "outcome": self.outcome, "message": self.message, "clause": self.clause}


@dataclass(frozen=True, slots=True)
class Result:
    decision: str
    findings: tuple[Finding, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    intake_deadline: date | None
    respond_by: date | None = None  # the route's response target, counted like the deadline

    def to_dict(self) -> dict:
        return {
            "decision": self.decision,
            "findings": [f.to_dict() for f in self.findings],
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version, "sha256": self.ruleset_sha256},
            "intake_deadline": self.intake_deadline.isoformat() if self.intake_deadline else None,
            "respond_by": self.respond_by.isoformat() if self.respond_by else None,
        }

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome == FAIL)

    @property
    def reviews(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome == REVIEW)


def screen(facts: Facts, ruleset: Ruleset, on: date | None = None) -> Result:
    """Screen one referral. `on` is the screening day, the day of the referral (default: the
    contact date); the response target counts from it, the intake deadline from the day the
    consent was signed (the day the person is told the clock starts; the screening day when not
    given), and a contact, conduct or signing date after it is refused with FactsError."""
    day = on or facts.contact_date
    _refuse_future(facts, day)
    route = ruleset.route(facts.route)
    findings = [
        _route_allowed(facts, route, ruleset),
        _consent(facts, ruleset),
        _minimum_age(facts, ruleset),
        _treatment_court(facts, ruleset),
        _protective_order(facts, ruleset),
        *_route_rules(facts, route, ruleset, day),
    ]
    for charge in facts.charges:
        findings.extend(_charge(charge, ruleset))
    findings.extend(_concern(code, ruleset) for code in facts.concerns)
    return Result(
        decision=_decide(findings),
        findings=tuple(findings),
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256,
        intake_deadline=intake_deadline(route, facts.consent_signed_on or day),
        respond_by=_days_after(day, route.response_target_days if route else None),
    )


def _refuse_future(facts: Facts, day: date) -> None:
    after = f"must be on or before the screening day ({day.isoformat()})"
    errors = []
    if facts.contact_date > day:
        errors.append(("contact_date", f"The contact or arrest date {after}"))
    last = facts.last_eligible_conduct_date
    if last is not None and last > day:
        errors.append(("last_eligible_conduct_date", f"The most recent eligible conduct {after}"))
    signed = facts.consent_signed_on
    if signed is not None and signed > day:
        errors.append(("consent_signed_on", f"The day the consent was signed {after}"))
    if errors:
        raise FactsError(errors)


def _route_rules(facts: Facts, route: Route | None, ruleset: Ruleset, day: date) -> list[Finding]:
    """The rules a route turns on in the ruleset: charges or conduct required, arrest age, and
    for a route that reads the conduct date, its look-back and the age at the conduct."""
    if route is None:
        return []
    findings = []
    if route.charge_required and not facts.charges:
        findings.append(Finding("charges", FAIL, f"{route.label} needs at least one charge.",
                                f"routes.{route.code}.charge_required"))
    if route.conduct_required and not facts.charges:
        message = f"{route.label} needs the kind of eligible conduct named: none was."
        findings.append(Finding("conduct", FAIL, message, f"routes.{route.code}.conduct_required"))
    if route.max_arrest_age_days is not None:
        findings.append(_arrest_age(facts, route, day))
    if route.conduct_lookback_months is not None:
        findings.append(_conduct_lookback(facts, route))
        if facts.last_eligible_conduct_date is not None:
            findings.append(_conduct_age(facts, ruleset))
    return findings


def _arrest_age(facts: Facts, route: Route, day: date) -> Finding:
    limit, arrested = route.max_arrest_age_days, facts.contact_date
    days, clause = (day - arrested).days, f"routes.{route.code}.max_arrest_age_days"
    if days <= limit:
        message = f"The arrest ({arrested.isoformat()}) was {days} days before screening, within {limit}."
        return Finding("arrest_age", PASS, message, clause)
    message = (f"The arrest ({arrested.isoformat()}) was {days} days before screening, more than "
               f"the {limit} days allowed: a coordinator will review it.")
    return Finding("arrest_age", REVIEW, message, clause)


def _conduct_age(facts: Facts, ruleset: Ruleset) -> Finding:
    years, last = ruleset.minimum_age, facts.last_eligible_conduct_date
    if age_on(facts.person.date_of_birth, last) >= years:
        message = (f"The most recent eligible conduct ({last.isoformat()}) was after the "
                   f"person turned {years}.")
        return Finding("conduct_age", PASS, message, "exclusions.minimum_age")
    message = (f"The most recent eligible conduct ({last.isoformat()}) was before the person "
               f"turned {years}: a coordinator will review it.")
    return Finding("conduct_age", REVIEW, message, "exclusions.minimum_age")


def _decide(findings: list[Finding]) -> str:
    outcomes = {f.outcome for f in findings}
    if FAIL in outcomes:
        return INELIGIBLE
    return ELIGIBLE if outcomes == {PASS} else NEEDS_REVIEW


def _route_allowed(facts: Facts, route: Route | None, ruleset: Ruleset) -> Finding:
    if route is None:
        return Finding("route", FAIL, f"This ruleset has no route {facts.route!r}.", "routes")
    clause = f"routes.{route.code}.org_kinds"
    kind = ruleset.org_kind_labels.get(facts.referrer_org_kind, str(facts.referrer_org_kind))
    if facts.referrer_org_kind in route.org_kinds:
        return Finding("route", PASS, f"{route.label} is open to this kind of referrer ({kind}).", clause)
    others = " or ".join(r.label for r in ruleset.routes_for(facts.referrer_org_kind))
    hint = f" Use {others} instead." if others else ""
    return Finding("route", FAIL, f"{route.label} is not open to this kind of referrer ({kind}).{hint}", clause)


def _consent(facts: Facts, ruleset: Ruleset) -> Finding:
    rule = ruleset.exclusion("no_consent")
    if facts.consent_given is True:
        return Finding("consent", PASS, "The person has given consent to the referral.", "exclusions.no_consent")
    return Finding("consent", FAIL, f"The person has not given consent. {rule.description}", "exclusions.no_consent")


def _minimum_age(facts: Facts, ruleset: Ruleset) -> Finding:
    years, contact = ruleset.minimum_age, facts.contact_date
    age = age_on(facts.person.date_of_birth, contact)
    if age >= years:
        message = f"The person was {years} or older on the contact date ({contact.isoformat()})."
        return Finding("minimum_age", PASS, message, "exclusions.minimum_age")
    message = (f"The person was {max(age, 0)} on the contact date ({contact.isoformat()}): "
               f"the program takes only people aged {years} or older.")
    return Finding("minimum_age", FAIL, message, "exclusions.minimum_age")


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day`. Someone born on 29 February gains a year on 1 March in other
    years: the later reading, so nobody is counted as 18 a day early."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _treatment_court(facts: Facts, ruleset: Ruleset) -> Finding:
    status, clause = facts.treatment_court_case, "exclusions.treatment_court"
    if status == "none":
        return Finding("treatment_court", PASS, "The person has no pending or active treatment court case.", clause)
    if status in ("pending", "active"):
        message = f"The person has a {status} treatment court case. {ruleset.exclusion('treatment_court').description}"
        return Finding("treatment_court", FAIL, message, clause)
    message = "It is not known whether the person has a pending or active treatment court case: a coordinator will check."
    return Finding("treatment_court", REVIEW, message, clause)


def _protective_order(facts: Facts, ruleset: Ruleset) -> Finding:
    answer, clause = facts.protective_order_with_participant, "exclusions.protective_order"
    if answer == "no":
        return Finding("protective_order", PASS, "No order bars the person from contact with a current participant.", clause)
    if answer == "yes":
        message = f"An order bars the person from contact with a current participant. {ruleset.exclusion('protective_order').description}"
        return Finding("protective_order", FAIL, message, clause)
    message = "It is not known whether an order bars the person from contact with a current participant: a coordinator will check."
    return Finding("protective_order", REVIEW, message, clause)


def _charge(charge: ChargeFacts, ruleset: Ruleset) -> list[Finding]:
    if charge.code == OTHER_CHARGE:
        described = f" ({charge.description})" if charge.description else ""
        message = f"A charge not on the program's list was entered{described}: a coordinator will review whether it can be diverted."
        return [Finding("charge", REVIEW, message, "charges")]
    entry = ruleset.charge(charge.code)
    if entry is None:
        return [Finding("charge", FAIL, f"The charge {charge.code!r} is not one the program diverts.", "charges")]
    listed = Finding("charge", PASS, f"{entry.label} is on the program's list of charges.", f"charges.{entry.code}")
    return [listed, *(_qualifier(entry, q, charge.answer(q.code)) for q in entry.qualifiers)]


def _qualifier(charge: Charge, qualifier: Qualifier, answer: bool | None) -> Finding:
    clause = f"charges.{charge.code}.qualifiers.{qualifier.code}"
    asked = f'{charge.label}: "{qualifier.question}"'
    if answer is None:
        return Finding("qualifier", REVIEW, f"{asked} The answer is not known: a coordinator will review it.", clause)
    said, needed = _yes_no(answer), _yes_no(qualifier.divertible_answer)
    if answer is qualifier.divertible_answer:
        return Finding("qualifier", PASS, f"{asked} Answered {said}, so the charge can be diverted.", clause)
    message = f"{asked} Answered {said}: the charge can be diverted only if the answer is {needed}."
    return Finding("qualifier", FAIL, message, clause)


def _yes_no(answer: bool) -> str:
    return "yes" if answer else "no"


def _concern(code: str, ruleset: Ruleset) -> Finding:
    label = ruleset.concern_labels.get(code, code)
    message = f"The referrer flagged a concern: {label}. A coordinator will review the referral."
    return Finding("concern", REVIEW, message, f"concerns.{code}")


def _conduct_lookback(facts: Facts, route: Route) -> Finding:
    months, last = route.conduct_lookback_months, facts.last_eligible_conduct_date
    clause = f"routes.{route.code}.conduct_lookback_months"
    if last is None:
        message = "The date of the most recent eligible conduct is not known: a coordinator will review it."
        return Finding("conduct_lookback", REVIEW, message, clause)
    if months_before(facts.contact_date, months) <= last <= facts.contact_date:
        message = f"The most recent eligible conduct ({last.isoformat()}) is within {months} months of the contact date."
        return Finding("conduct_lookback", PASS, message, clause)
    message = (f"The most recent eligible conduct ({last.isoformat()}) is not within the {months} months "
               "before the contact date: a coordinator will review it.")
    return Finding("conduct_lookback", REVIEW, message, clause)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` calendar months earlier, or that month's last day
    when it is shorter (31 March less one month is 28 or 29 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < 1:
        return date.min
    month = month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` calendar months later, or that month's last day when
    it is shorter (31 January plus one month is 28 or 29 February)."""
    return months_before(day, -months)


def intake_deadline(route: Route | None, signed_on: date) -> date | None:
    """The one intake clock: the route's intake days after the day the person signed the consent.
    The consent text, the receipts, the queue, the daily job and the revocable point all read
    the date this gives (stored on the referral at submission), so what the person is told is
    what the portal enforces."""
    return _days_after(signed_on, route.intake_deadline_days if route else None)


def _days_after(start: date, days: int | None) -> date | None:
    if days is None:
        return None
    try:
        return start + timedelta(days=days)
    except OverflowError:  # only for dates near year 9999, which parse_facts refuses anyway
        return date.max

"""Corrections on the round trip: a coordinator's question may open some question pages again;
the partner corrects them, and sending the reply keeps the next version and screens it again.

The pages that can be opened are read from the steps list at run time (a page merged or renamed
there needs nothing here), all but the consent pages: a new signature would be a new consent,
which a correction cannot make. Corrections wait on the request until the reply is sent: the
referral's answers (what the coordinator reads) change only then, all pages at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal import audit, events
from portal.accounts.access import refuse
from portal.accounts.models import User
from portal.consent.texts import signature_matches
from portal.eligibility import Ruleset
from portal.errors import Refused
from portal.referrals import facts as screening
from portal.referrals import operations, queries, steps
from portal.referrals.answers import Answers, of
from portal.referrals.disclosure import Part, visible_parts
from portal.referrals.models import InformationRequest, Referral
from portal.referrals.states import Status
from portal.referrals.steps import Step

CONSENT_TEMPLATE = "consent"  # the page the person signs on


def correctable_steps(route: str) -> tuple[Step, ...]:
    """The pages a coordinator may ask to have corrected, in the order the partner fills them."""
    return tuple(step for step in steps.steps_for(route) if not _is_consent(step))


def _is_consent(step: Step) -> bool:
    return step.template == CONSENT_TEMPLATE or step.section == "Consent"


def ticked_steps(referral: Referral, request: InformationRequest | None) -> tuple[Step, ...]:
    """The ticked pages that the route still has (a page merged away since is dropped)."""
    ticked = set(request.ticked) if request is not None else set()
    return tuple(step for step in correctable_steps(referral.route) if step.slug in ticked)


@dataclass(frozen=True)
class PageToCorrect:
    step: Step
    corrected: bool  # the partner has saved a correction of it (not sent yet)


def pages_to_correct(referral: Referral, request: InformationRequest | None) -> list[PageToCorrect]:
    corrected = request.corrected if request is not None else {}
    return [PageToCorrect(step, step.slug in corrected) for step in ticked_steps(referral, request)]


def correction_for(user: User, referral_id: int, slug: str,
                   today: date) -> tuple[Referral, InformationRequest, Step]:
    """A ticked page of the open request, for the referring partner while the referral waits
    for them: anything else (another page, another organization, no open request, a consent
    that has ended) is refused like a referral that does not exist."""
    referral = queries.load(user, referral_id)
    request = (queries.open_request(referral)
               if referral.status is Status.NEEDS_INFORMATION else None)
    step = next((s for s in ticked_steps(referral, request) if s.slug == slug), None)
    if step is None or Part.ANSWERS not in visible_parts(user, referral,
                                                         queries.consent_of(referral), today):
        refuse(("referrals", referral_id))
    return referral, request, step


def corrected_answers(referral: Referral, request: InformationRequest) -> Answers:
    """The answers as they will be once the reply is sent: the saved corrections on top."""
    return Answers.parse(referral.route, of(referral).with_pages(request.corrected))


def save_correction(actor: User, referral: Referral, request: InformationRequest, slug: str,
                    page: dict) -> None:
    """Keep a corrected page on the request. The consent is not opened again, so a legal name
    that no longer matches the person's signature is refused (a new name needs a new consent)."""
    corrections = {**request.corrected, slug: dict(page)}
    after = Answers.parse(referral.route, of(referral).with_pages(corrections))
    signed = after.consent.signature
    if "consent" in after.answered and not signature_matches(signed, after.person.legal_name):
        raise Refused(f"The person signed their consent as “{signed}”: the legal name must "
                      "match that signature. If their name is really different, they must sign "
                      "a new consent: withdraw this referral and refer them again",
                      field="legal_name")
    request.corrections = corrections
    audit.record("referral.correction_saved", actor=actor, subject=referral,
                 detail={"page": slug})


def send_reply(actor: User, referral: Referral, request: InformationRequest, answer: str, *,
               ruleset: Ruleset, today: date) -> None:
    """The partner's reply: the saved corrections join the answers (a ticked page left alone
    is sent as it was), the next version is kept, and, when pages were ticked, screened again
    with the current ruleset on ``today``, beside the earlier screening."""
    corrected = sorted(request.corrected)
    if corrected:
        referral.answers = of(referral).with_pages(request.corrected)
    number = operations.answer_request(actor, referral, request, answer)
    if request.ticked:
        _screen_again(actor, referral, number, ruleset, today, corrected)


def _screen_again(actor: User, referral: Referral, number: int, ruleset: Ruleset, today: date,
                  corrected: list[str]) -> None:
    answers = of(referral)
    facts, result, problem = screening.screen_answers(
        answers, referral.organisation.kind.value, ruleset, today)
    if result is None:
        raise Refused(f"The corrected answers cannot be screened: {problem}")
    operations.keep_screening(referral, number, facts, result, ruleset, today)
    for column, value in operations.copied_columns(answers.person, result).items():
        setattr(referral, column, value)
    events.emit("referral.corrected", referral=referral, actor=actor, answers=answers,
                ruleset=ruleset)
    # The pages' names and the decision: never what was written on them.
    audit.record("referral.corrected", actor=actor, subject=referral,
                 detail={"version": number, "pages": corrected, "screening": result.decision})

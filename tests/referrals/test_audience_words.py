"""Words for each audience (issue 14): a community partner saw conduct, nobody charged it, so
their pages speak of conduct in plain words, with no charge levels, legal notes, arrests or
badge numbers. Officers keep the charges' own words. (The screening's wording for partners and
the queue's "Waiting" column are tested in test_check.py and tests/review/test_queue.py.)
"""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import OrgKind, Role
from portal.eligibility import LEVELS, default_ruleset
from portal.referrals.states import Status
from tests.referrals import builders
from tests.referrals.helpers import ARREST, check_url

SOCIAL = "social_contact"
CHARGE_WORDS = re.compile(r"\b(charge[sd]?|DF4|DM1|felony|misdemeanor|municipal|class 2|"
                          r"district|city/county|arrest(ed|s)?)\b", re.IGNORECASE)


def main_text(page) -> str:
    return " ".join(page.soup.find("main").get_text(" ").split())


@pytest.fixture
def outreach(make, signed_in):
    return signed_in(make.user(Role.REFERRER, kind=OrgKind.COMMUNITY_PARTNER))


def test_a_community_partners_home_mentions_no_arrests_or_badge_numbers(outreach, make,
                                                                        signed_in):
    words = main_text(outreach.get("/home"))
    assert "Start a referral" in words and "Your details" in words
    assert not re.search(r"arrest|badge", words, re.IGNORECASE), words
    officer = signed_in(make.user(Role.REFERRER, kind=OrgKind.LAW_ENFORCEMENT))
    words = main_text(officer.get("/home"))
    assert "arrest diversion" in words and "badge number" in words


def test_the_conduct_page_offers_conduct_in_plain_words(outreach):
    draft = builders.start(outreach, SOCIAL)
    page = outreach.get(f"/referrals/{draft}/conduct")
    options = [label.find(string=True, recursive=False).strip()
               for label in page.soup.select("label.usa-checkbox__label")]
    assert "Camping or sleeping in a public place" in options
    assert "Having drugs for their own use" in options
    assert options[-1] == "Something else, not on this list"
    assert len(options) == len(set(options)), "each kind of conduct once"
    assert [o for o in options if CHARGE_WORDS.search(o)] == []
    assert not [h for h in page.soup.select("main h2") if h.get_text().strip() in LEVELS.values()]
    assert not page.soup.select(".usa-checkbox__label-description"), "no legal notes"
    asked = page.soup.find("legend", string=re.compile("selling the drugs"))
    assert asked is not None and "charged" not in asked.get_text()


def test_a_partner_reads_the_conduct_in_plain_words_after_saving_it(outreach):
    draft = builders.start(outreach, SOCIAL)
    outreach.submit(f"/referrals/{draft}/conduct", {
        "charges": ["dm1_possession", "camping"],
        "q__dm1_possession__intent_to_distribute": "no", "last_conduct_date": "3/1/2026"},
        status=302)
    words = main_text(outreach.get(check_url(draft)))
    assert "Having drugs for their own use; Were they selling the drugs or passing them on? No" \
        in words
    assert "Camping or sleeping in a public place" in words
    assert not re.search(r"DM1|City/county|District \(state\)|charged", words), words


def test_a_sent_social_contact_referral_keeps_the_plain_words(outreach, make):
    sent = make.referral(SOCIAL, by=outreach.user)
    words = main_text(outreach.get(f"/referrals/{sent.id}"))
    assert "Camping or sleeping in a public place" in words
    assert "City/county" not in words


def test_officers_keep_the_charges_words(make, signed_in):
    officer = signed_in(make.referrer(ARREST))
    draft = builders.start(officer, ARREST)
    page = officer.get(f"/referrals/{draft}/charges")
    headings = [h.get_text().strip() for h in page.soup.select("main h2")]
    assert list(LEVELS.values()) == [h for h in headings if h in LEVELS.values()]
    assert "DF4 possession of a controlled substance" in main_text(page)


def test_every_kind_of_conduct_in_the_default_ruleset_has_plain_words_once():
    ruleset = default_ruleset()
    kinds = ruleset.conduct_kinds()
    assert kinds and all(kind.conduct for kind in kinds)
    assert len({kind.conduct for kind in kinds}) == len(kinds)
    # Every behavior the charges describe is offered: a charge left off is the same conduct
    # as one offered (state and city prostitution, DF4 and DM1 possession).
    left_off = {c.code for c in ruleset.charges} - {k.code for k in kinds}
    assert left_off == {"state_prostitution", "df4_possession"}
    assert not [k.conduct for k in kinds if CHARGE_WORDS.search(k.conduct)]


def test_the_review_page_uses_the_same_plain_words(make, signed_in):
    from tests.review.helpers import review_url

    sent = make.referral(SOCIAL, status=Status.SUBMITTED)
    coordinator = signed_in(make.coordinator())
    assert "Camping or sleeping in a public place" in main_text(
        coordinator.get(review_url(sent.id)))


def test_the_receipt_names_the_conduct_plainly_and_the_persons_receipt_none(outreach, make):
    sent = make.referral(SOCIAL, by=outreach.user)
    english = main_text(outreach.get(f"/referrals/{sent.id}/receipt"))
    assert "Camping or sleeping in a public place" in english
    assert "Screening found no problems; a coordinator decides" in english
    # The person's own receipt names no conduct at all (issue 11: a paper record of alleged
    # offenses in the pocket of someone who may be unhoused).
    spanish = main_text(outreach.get(f"/referrals/{sent.id}/person-receipt?language=es"))
    assert "Acampar" not in spanish and "Camping" not in spanish

"""The question pages as data, checked against the ruleset at start."""

from __future__ import annotations

import importlib.resources

import pytest

from portal import create_app
from portal.consent.texts import default_texts
from portal.eligibility import default_ruleset, parse_ruleset
from portal.referrals import steps
from portal.referrals.answers import ROUTES
from portal.referrals.models import Referral
from tests.conftest import test_settings as settings_for


NEW_ROUTE = b'''
[[routes]]
code = "street_outreach"
label = "Street outreach"
description = "A route the portal has no pages for."
org_kinds = ["community_partner"]
charge_required = false
'''


def _with_a_new_route() -> bytes:
    raw = importlib.resources.files("portal.eligibility").joinpath("default_ruleset.toml")
    text = raw.read_bytes()
    first_route = text.index(b"[[routes]]")
    return text[:first_route] + NEW_ROUTE + text[first_route:]


def test_the_shipped_ruleset_fits_the_pages_and_the_consent_texts():
    steps.check_ruleset(default_ruleset(), default_texts())


def test_a_route_without_pages_or_consent_text_is_refused():
    with pytest.raises(ValueError) as refused:
        steps.check_ruleset(parse_ruleset(_with_a_new_route()), default_texts())
    assert "'street_outreach' has no question pages" in str(refused.value)
    assert "'street_outreach' has no consent text in 'en'" in str(refused.value)


def test_the_app_does_not_start_with_such_a_ruleset(tmp_path, database_url):
    path = tmp_path / "rules.toml"
    path.write_bytes(_with_a_new_route())
    with pytest.raises(ValueError, match="street_outreach"):
        create_app(settings_for(database_url, ruleset_path=str(path)))


def test_every_route_has_its_steps_and_the_database_knows_every_route():
    assert {route for step in steps.STEPS for route in step.routes} == set(ROUTES)
    check = next(c for c in Referral.__table__.constraints if c.name and "route_known" in c.name)
    assert all(f"'{route}'" in str(check.sqltext) for route in ROUTES)


def test_every_step_declares_a_form_and_an_existing_template():
    templates = importlib.resources.files("portal").joinpath("..", "templates", "referrals", "steps")
    for step in steps.STEPS:
        assert step.form_class(default_ruleset()) is not None
        assert (templates / f"{step.template}.html").is_file(), step.slug

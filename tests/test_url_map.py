"""Every endpoint declares who may use it (GOV.UK Notify's permissions test)."""

import re

import pytest

from portal.accounts.access import ACCESS_RULE
from portal.accounts.models import Role

# Flask's own static route serves the design system and the portal's CSS: no data behind it.
EXEMPT = {"static"}


def _endpoints(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in EXEMPT]


def test_every_endpoint_declares_an_access_rule(app):
    missing = [rule.endpoint for rule in _endpoints(app)
               if not hasattr(app.view_functions[rule.endpoint], ACCESS_RULE)]
    assert missing == []


def test_no_endpoint_changes_state_on_get(app):
    """GET must be safe: a state-changing view accepts POST only, or GET shows a form."""
    for rule in _endpoints(app):
        if "GET" in rule.methods and "POST" not in rule.methods:
            assert not re.search(r"(disable|enable|unlock|delete|sign-out)", rule.rule), rule.rule


def _url(rule) -> str:
    def sample(match):
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        return "1" if "id" in name else "x"

    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", sample, rule.rule)


def _rules_not_public(app):
    return [r for r in _endpoints(app)
            if getattr(app.view_functions[r.endpoint], ACCESS_RULE) != "public"]


def test_anonymous_visitors_reach_nothing_but_public_pages(app, client):
    for rule in _rules_not_public(app):
        method = "get" if "GET" in rule.methods else "post"
        response = getattr(client.raw, method)(_url(rule))
        if rule.endpoint.startswith("api."):
            assert response.status_code in {400, 401}, rule.rule
        elif method == "get":
            assert response.status_code == 302, rule.rule
            assert response.location.startswith("/sign-in"), rule.rule
        else:
            # Refused before the view runs: by the sign-in redirect, or by the CSRF check.
            assert response.status_code in {302, 400}, rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_role_restricted_endpoints_refuse_other_roles(app, client, make, role):
    user = make.user(role)
    client.sign_in(user)
    for rule in _rules_not_public(app):
        allowed = getattr(app.view_functions[rule.endpoint], ACCESS_RULE)
        if allowed == "signed_in" or role in allowed or "GET" not in rule.methods:
            continue
        response = client.raw.get(_url(rule))
        assert response.status_code == 403, (role, rule.rule, response.status_code)

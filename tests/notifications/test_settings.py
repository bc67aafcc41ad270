"""Mail settings from the environment, and the digest's thresholds as ruleset data."""

from __future__ import annotations

from importlib.resources import files

import pytest

from portal.config import ConfigError, from_env
from portal.eligibility import default_ruleset
from portal.eligibility.loader import DEFAULT_RULESET_NAME, parse_ruleset
from portal.eligibility.ruleset import RulesetError

KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"


def test_smtp_settings_come_from_the_environment():
    settings = from_env({"SECRET_KEY": KEY, "SMTP_HOST": "mail.example.org", "SMTP_PORT": "465",
                         "SMTP_SECURITY": "TLS", "SMTP_USERNAME": "portal",
                         "SMTP_PASSWORD": "s3cret", "MAIL_SENDER": "LEAD <lead@example.org>",
                         "OUTBOX_MAX_ATTEMPTS": "4", "OUTBOX_RETRY_SECONDS": "30",
                         "OUTBOX_POLL_SECONDS": "2.5"})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == \
        ("mail.example.org", 465, "tls")
    assert (settings.smtp_username, settings.smtp_password) == ("portal", "s3cret")
    assert settings.mail_sender == "LEAD <lead@example.org>"
    assert (settings.outbox_max_attempts, settings.outbox_retry_seconds,
            settings.outbox_poll_seconds) == (4, 30, 2.5)


@pytest.mark.parametrize("environ, message", [
    ({"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY must be none, starttls or tls"),
    ({"OUTBOX_MAX_ATTEMPTS": "0"}, "OUTBOX_MAX_ATTEMPTS and OUTBOX_RETRY_SECONDS"),
    ({"LEAD_ENV": "production", "SMTP_USERNAME": "portal"}, "set SMTP_SECURITY to starttls"),
])
def test_unsafe_or_wrong_mail_settings_are_refused(environ, message):
    with pytest.raises(ConfigError, match=message):
        from_env({"SECRET_KEY": KEY, **environ})


SHIPPED = files("portal.eligibility").joinpath(DEFAULT_RULESET_NAME).read_text()


def test_the_shipped_ruleset_holds_the_digest_thresholds():
    assert default_ruleset().digest.unclaimed_after_days == 3
    assert default_ruleset().digest.deadlines_within_days == 7
    assert default_ruleset().to_dict()["digest"] == {"unclaimed_after_days": 3,
                                                      "deadlines_within_days": 7}


def test_the_digest_table_is_optional_with_defaults():
    start = SHIPPED.index("[digest]")
    ruleset = parse_ruleset(SHIPPED[:start].encode())
    assert (ruleset.digest.unclaimed_after_days, ruleset.digest.deadlines_within_days) == (3, 7)
    ruleset = parse_ruleset((SHIPPED[:start] + "[digest]\ndeadlines_within_days = 14\n").encode())
    assert (ruleset.digest.unclaimed_after_days, ruleset.digest.deadlines_within_days) == (3, 14)


@pytest.mark.parametrize("table, problem", [
    ("unclaimed_after_days = -1", "digest.unclaimed_after_days:"),
    ('deadlines_within_days = "7"', "digest.deadlines_within_days:"),
    ("unclaimed_after_days = 3\nweekends = true", "digest: unknown key 'weekends'"),
])
def test_the_digest_table_is_read_strictly(table, problem):
    start = SHIPPED.index("[digest]")
    with pytest.raises(RulesetError) as refused:
        parse_ruleset((SHIPPED[:start] + "[digest]\n" + table + "\n").encode())
    assert any(error.startswith(problem) for error in refused.value.errors), refused.value.errors

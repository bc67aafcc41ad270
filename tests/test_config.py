"""Settings come from the environment once, and a configuration that cannot work stops the start."""

import pytest

from portal.config import ConfigError, from_env
from portal.receipts.documents import PAPER_SIZES, paper_size

STRONG = {"LEAD_ENV": "production", "SECRET_KEY": "0123456789abcdef" * 4,
          "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}


def test_receipts_paper_size_and_time_zone_come_from_the_environment():
    settings = from_env({**STRONG, "PAPER_SIZE": "A4", "PROGRAM_TIMEZONE": "America/Denver",
                         "RENDER_TIMEOUT_SECONDS": "4.5"})
    assert paper_size(settings) == PAPER_SIZES["a4"]
    assert settings.timezone == "America/Denver" and settings.render_timeout_seconds == 4.5
    assert paper_size(from_env(STRONG)) == PAPER_SIZES["letter"]


@pytest.mark.parametrize("name, value, words", [
    ("PAPER_SIZE", "B5", "PAPER_SIZE must be Letter or A4"),
    ("PROGRAM_TIMEZONE", "Mars/Olympus_Mons", "is not a time zone"),
    ("LEAD_ENV", "staging", "LEAD_ENV must be"),
])
def test_a_setting_that_cannot_work_stops_the_start(name, value, words):
    with pytest.raises(ConfigError, match=words):
        from_env({**STRONG, name: value})

"""The queue reads each consent's flag from columns of its row query (flag_from); it must say
what flag_of says of the loaded consent, for every status, term and revocation day."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from types import SimpleNamespace

from portal.consent.models import Consent, ConsentFlag, ConsentStatus
from portal.consent.operations import flag_from, flag_of

TODAY = date(2026, 3, 10)
DAYS = (None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1))


def _consent(status, expires_on, effective_on):
    revocations = [] if effective_on is None else [SimpleNamespace(effective_on=TODAY + timedelta(days=40)),
                                                   SimpleNamespace(effective_on=effective_on)]
    return Consent(status=status, expires_on=expires_on), revocations


def test_the_flag_read_with_the_row_is_the_flag_of_the_consent():
    seen = set()
    for status, expires_on, effective_on in product(ConsentStatus, DAYS, DAYS):
        consent, revocations = _consent(status, expires_on, effective_on)
        loaded = SimpleNamespace(status=status, revocations=revocations,
                                 has_expired=consent.has_expired)
        row = SimpleNamespace(consent_status=status, consent_expires_on=expires_on,
                              revocation_effective_on=effective_on)
        in_force = status is ConsentStatus.ACTIVE and not consent.has_expired(TODAY)
        expected = None if in_force else flag_of(loaded, TODAY)
        assert flag_from(row, TODAY) == expected, (status, expires_on, effective_on)
        seen.add(expected)
    assert seen == {None, *ConsentFlag}
    assert flag_from(SimpleNamespace(consent_status=None), TODAY) is None, "no consent: no flag"

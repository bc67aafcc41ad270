"""The statistics, against hand computations."""

from __future__ import annotations

import math
import statistics

import pytest

from portal.reports import rri


def test_median_of_odd_and_even_counts():
    assert rri.median({1: 1, 3: 1, 8: 1}) == 3.0
    assert rri.median({1: 2, 4: 1, 10: 1}) == 2.5  # 1, 1, 4, 10: the mean of 1 and 4
    values = [0, 1, 1, 2, 3, 5, 8, 13, 21, 21]
    histogram = {v: values.count(v) for v in set(values)}
    assert rri.median(histogram) == statistics.median(values)
    assert rri.median({}) is None


def test_90th_percentile_by_nearest_rank():
    values = list(range(1, 21))  # 20 values: rank ceil(0.9 x 20) = 18 -> 18
    assert rri.percentile({v: 1 for v in values}, 0.9) == 18
    assert rri.percentile({2: 9, 40: 1}, 0.9) == 2  # 9 of 10 within 2 days
    assert rri.percentile({2: 8, 40: 2}, 0.9) == 40
    assert rri.percentile({}, 0.9) is None


def test_relative_rate_index_and_its_log_interval():
    """25 of 50 against 30 of 40: RRI 0.6667, SE 0.16833, CI 0.4793 to 0.9272."""
    result = rri.relative_rate(25, 50, 30, 40)
    assert result.value == pytest.approx(2 / 3)
    se = math.sqrt(1 / 25 - 1 / 50 + 1 / 30 - 1 / 40)
    assert se == pytest.approx(0.16833, abs=1e-5)
    assert result.low == pytest.approx(0.4793, abs=1e-4)
    assert result.high == pytest.approx(0.9272, abs=1e-4)
    assert result.differs


def test_an_interval_including_one_is_not_marked():
    result = rri.relative_rate(20, 25, 30, 40)
    assert (round(result.low, 4), round(result.high, 4)) == (0.818, 1.3909)
    assert not result.differs


def test_rate_against_a_comparison_base_uses_the_poisson_interval():
    """Referrals per eligible arrest: 60 of 300 against 40 of 400: RRI 2.0,
    SE = sqrt(1/60 + 1/40) = 0.20412, CI 1.3405 to 2.9839."""
    result = rri.relative_rate(60, 300, 40, 400, proportion=False)
    assert result.value == pytest.approx(2.0)
    assert (round(result.low, 4), round(result.high, 4)) == (1.3405, 2.9839)


def test_no_ratio_without_a_reference_rate_and_no_interval_without_events():
    assert rri.relative_rate(5, 10, 0, 10) is None
    assert rri.relative_rate(5, 10, 3, 0) is None
    none_accepted = rri.relative_rate(0, 10, 5, 10)
    assert none_accepted.value == 0 and none_accepted.low is None and not none_accepted.differs

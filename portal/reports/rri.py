"""The statistics of the reports, from counts: rates, medians, percentiles and the Relative Rate
Index with its 95% confidence interval. Standard library only.

Relative Rate Index (the juvenile-justice oversight measure, OJJDP): a group's rate at a decision
point divided by the reference group's rate at the same point. Its 95% interval by the log
method: exp(ln RRI +/- 1.96 * SE), where for proportions (accepted out of decided)

    SE = sqrt(1/a - 1/n + 1/c - 1/m)      (a of n in the group, c of m in the reference)

and for rates against a base that is not a subset (referrals per eligible arrest)

    SE = sqrt(1/a + 1/c).

The RRI differs from 1 beyond chance when the interval does not include 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def rate(events: int, total: int) -> float | None:
    return events / total if total else None


def _sorted_values(histogram: dict[int, int]) -> list[tuple[int, int]]:
    return sorted((value, count) for value, count in histogram.items() if count > 0)


def _value_at(histogram: dict[int, int], rank: int) -> int:
    """The value at 1-based ``rank`` when the values are put in order."""
    seen = 0
    for value, count in _sorted_values(histogram):
        seen += count
        if seen >= rank:
            return value
    raise ValueError("rank past the end")


def median(histogram: dict[int, int]) -> float | None:
    """The middle value (the mean of the two middle values when the count is even)."""
    total = sum(histogram.values())
    if not total:
        return None
    if total % 2:
        return float(_value_at(histogram, total // 2 + 1))
    return (_value_at(histogram, total // 2) + _value_at(histogram, total // 2 + 1)) / 2


def percentile(histogram: dict[int, int], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of all values at
    or below it (for the 90th, share=0.9)."""
    total = sum(histogram.values())
    if not total:
        return None
    return _value_at(histogram, max(1, math.ceil(share * total - 1e-9)))


@dataclass(frozen=True)
class RelativeRate:
    value: float
    low: float | None
    high: float | None

    @property
    def differs(self) -> bool:
        """The 95% interval excludes 1."""
        return self.low is not None and (self.low > 1 or self.high < 1)


def relative_rate(events: int, total: int, ref_events: int, ref_total: int, *,
                  proportion: bool = True) -> RelativeRate | None:
    """The RRI of a group (``events`` of ``total``) against the reference group. None when
    either rate cannot be formed; no interval when either group has no events."""
    if not total or not ref_total or not ref_events:
        return None
    value = (events / total) / (ref_events / ref_total)
    if not events:
        return RelativeRate(value, None, None)
    variance = 1 / events + 1 / ref_events
    if proportion:
        variance -= 1 / total + 1 / ref_total
    spread = Z95 * math.sqrt(max(variance, 0.0))
    centre = math.log(value)
    return RelativeRate(value, math.exp(centre - spread), math.exp(centre + spread))

"""The 95% intervals the warehouse publishes, written out plainly for tests: to check the warehouse's own
values against, and to give hand-made chart and summary inputs the intervals the warehouse would have given."""

from __future__ import annotations

import math

import pandas as pd

Z = 1.96


def wilson(x: float, n: float, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of x successes in n."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_per_100k(x: float, n: float, z: float = Z) -> tuple[float, float]:
    """Normal-approximation Poisson interval of a count x per 100,000 of n."""
    return max(0.0, (x - z * math.sqrt(x)) / n * 100_000), (x + z * math.sqrt(x)) / n * 100_000


def with_intervals(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """value, ci_low, ci_high from numerator and denominator: Wilson for shares, Poisson per 100,000."""
    out = frame.copy()
    interval = poisson_per_100k if unit == "per_100k" else wilson
    pairs = list(zip(out["numerator"].astype(float), out["denominator"].astype(float), strict=True))
    out["value"] = [x / n * (100_000 if unit == "per_100k" else 1) for x, n in pairs]
    out["ci_low"] = [interval(x, n)[0] for x, n in pairs]
    out["ci_high"] = [interval(x, n)[1] for x, n in pairs]
    return out

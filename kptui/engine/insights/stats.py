"""The statistics every insight shares: exact bootstrap medians, ratio intervals, column checks.

Intervals are percentile bootstrap intervals (seeded, so the same data gives the same
figures) or, for a ratio of two sums over videos, the delta-method interval of a ratio
estimator. Each is reported with the n it rests on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import polars as pl

LEVEL = 0.95  # every interval is a 95% interval
DRAWS = 2000  # bootstrap draws per interval


def present(frame: pl.DataFrame | None, column: str) -> bool:
    """The column exists and holds at least one value (loaders fill absent columns with null)."""
    if frame is None or column not in frame.columns or frame.height == 0:
        return False
    return frame.get_column(column).null_count() < frame.height


def sorted_median(x: np.ndarray) -> float:
    """The median of an already sorted array (no partition pass)."""
    n = x.size
    return float((x[(n - 1) // 2] + x[n // 2]) / 2.0)


def bootstrap_medians(
    values: np.ndarray, draws: int, rng: np.random.Generator, presorted: bool = False
) -> np.ndarray:
    """`draws` medians of bootstrap resamples of `values`, drawn exactly in O(draws).

    Resampling n values with replacement is applying the sample's quantile function to n
    uniforms, so the resample's k-th smallest value is Q(U_(k)) with U_(k) ~ Beta(k, n-k+1);
    for an even n the next order statistic is U_(k) + (1 - U_(k)) * Beta(1, n-k). This gives
    the same distribution as resampling and taking the median, without the n-sized resamples
    (which would cost n * draws per tag and per cell).
    """
    x = np.asarray(values, dtype=float)
    if not presorted:
        x = np.sort(x)
    n = x.size
    if n == 0:
        return np.full(draws, np.nan)

    def at(u: np.ndarray) -> np.ndarray:
        return x[np.clip(np.ceil(u * n).astype(np.int64) - 1, 0, n - 1)]

    if n % 2:
        k = (n + 1) // 2
        return at(rng.beta(k, n - k + 1, draws))
    k = n // 2
    u1 = rng.beta(k, n - k + 1, draws)
    u2 = u1 + (1.0 - u1) * rng.beta(1, n - k, draws)
    return (at(u1) + at(u2)) / 2.0


def percentile_interval(draws: np.ndarray, level: float = LEVEL) -> list[float] | None:
    finite = draws[np.isfinite(draws)]
    if finite.size < len(draws) * 0.9 or finite.size == 0:
        return None  # too many undefined draws (a zero median below) to trust an interval
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(finite, [tail, 1.0 - tail])
    return [float(lo), float(hi)]


def median_interval(values: np.ndarray, rng: np.random.Generator) -> list[float] | None:
    """Bootstrap interval of the median; None below 3 values (no interval worth showing)."""
    if len(values) < 3:
        return None
    return percentile_interval(bootstrap_medians(values, DRAWS, rng))


def ratio_of_medians(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator, presorted: bool = False
) -> tuple[float | None, list[float] | None]:
    """median(a) / median(b) and its bootstrap interval (each group resampled on its own)."""
    if len(a) == 0 or len(b) == 0:
        return None, None
    if not presorted:
        a, b = np.sort(a), np.sort(b)
    mb = sorted_median(b)
    if mb <= 0:
        return None, None
    point = sorted_median(a) / mb
    if len(a) < 3 or len(b) < 3:
        return point, None
    da = bootstrap_medians(a, DRAWS, rng, presorted=True)
    db = bootstrap_medians(b, DRAWS, rng, presorted=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(db > 0, da / np.where(db > 0, db, 1.0), np.nan)
    return point, percentile_interval(ratio)


def ratio_of_sums(num: np.ndarray, den: np.ndarray) -> tuple[float | None, list[float] | None]:
    """sum(num) / sum(den) over units (videos or days), with a delta-method 95% interval.

    The ratio estimator's variance is var(num - R * den) / (n * mean(den)^2); it holds for
    rates above 1 too (follows per profile visit), where a binomial interval would not.
    """
    n = len(den)
    total = float(np.sum(den))
    if n == 0 or total <= 0:
        return None, None
    r = float(np.sum(num)) / total
    if n < 3:
        return r, None
    resid = num - r * den
    se = float(np.sqrt(np.var(resid, ddof=1) / n) / (total / n))
    z = 1.959963984540054
    return r, [max(r - z * se, 0.0), r + z * se]

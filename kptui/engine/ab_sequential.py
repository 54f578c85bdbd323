"""Tests you may check every day: always-valid p-values and confidence sequences.

A fixed-horizon test read every day and stopped at the first p < alpha has a false-positive
rate far above alpha (see bench/bench_ab_sequential.py). A confidence sequence is a band that
holds the true difference on every day at once with probability 1 - alpha, so a verdict read
on any day keeps its error rate.

The boundary is the normal-mixture (conjugate-mixture) one of Howard, Ramdas, McAuliffe and
Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences" (Ann. Stat. 2021),
eq. (14), as GrowthBook uses it for its sequential tests: with N visitors in total and the
difference's standard error se,

    half-width = se * sqrt(N) * sqrt(2 (N rho^2 + 1) / (N^2 rho^2) * log(sqrt(N rho^2 + 1) / alpha))

where rho^2 = (-2 log alpha + log(-2 log alpha + 1)) / N* makes the band tightest at N* total
visitors, the tuning parameter (GrowthBook's default: 5,000). The always-valid p-value is the
smallest alpha whose band excludes 0, in closed form

    p = min(1, sqrt(1 + N rho^2) * exp(-z^2 N rho^2 / (2 (1 + N rho^2))))   with z = diff / se,

read with rho fixed at the tuning alpha; over a series of looks it is the running minimum.
Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kptui.engine.ab_fields import bad

DEFAULT_TUNING = 5_000


def check_tuning(tuning: float) -> float:
    if isinstance(tuning, bool) or not isinstance(tuning, (int, float)) or not tuning > 0:
        raise bad(f"{{field}} must be a positive number of visitors, got {tuning!r}", "tuning")
    if not math.isfinite(tuning):
        raise bad("{field} must be finite", "tuning")
    return float(tuning)


def rho_squared(alpha: float, tuning: float = DEFAULT_TUNING) -> float:
    """The mixture variance that makes the boundary tightest at `tuning` total visitors."""
    la = -2 * math.log(alpha)
    return (la + math.log(la + 1)) / tuning


def boundary_z(n_total: float, alpha: float, tuning: float = DEFAULT_TUNING) -> float:
    """The |z| the difference must pass at `n_total` visitors (a fixed test's is ~1.96)."""
    r2 = rho_squared(alpha, tuning)
    nr = n_total * r2
    return math.sqrt(2 * (nr + 1) / nr * math.log(math.sqrt(nr + 1) / alpha))


def half_width(se: float, n_total: float, alpha: float, tuning: float = DEFAULT_TUNING) -> float:
    """Half-width of the (1 - alpha) confidence sequence at this look."""
    return se * boundary_z(n_total, alpha, tuning)


def always_valid_p(z: float, n_total: float, alpha: float, tuning: float = DEFAULT_TUNING) -> float:
    """Always-valid p-value of one look (take the running minimum over looks)."""
    nr = n_total * rho_squared(alpha, tuning)
    log_p = 0.5 * math.log1p(nr) - z * z * nr / (2 * (1 + nr))
    return min(1.0, math.exp(log_p))


@dataclass(frozen=True)
class Look:
    """One comparison at one moment: the estimate, its SE, and the visitors so far."""

    diff: float
    se: float
    n_total: int
    rel: float | None = None
    se_rel: float | None = None


def sequential_look(look: Look, alpha: float, tuning: float = DEFAULT_TUNING) -> dict:
    """Confidence sequence (absolute and relative) and always-valid p of one look."""
    tuning = check_tuning(tuning)
    if look.se <= 0 or look.n_total < 2:
        return {"ci_abs": None, "ci_rel": None, "p_value": None, "z_boundary": None}
    c = boundary_z(look.n_total, alpha, tuning)
    h = look.se * c
    ci_rel = None
    if look.rel is not None and look.se_rel:
        ci_rel = (look.rel - look.se_rel * c, look.rel + look.se_rel * c)
    return {
        "ci_abs": (look.diff - h, look.diff + h),
        "ci_rel": ci_rel,
        "p_value": always_valid_p(look.diff / look.se, look.n_total, alpha, tuning),
        "z_boundary": c,
    }


def proportion_look(
    visitors_c: int, conversions_c: int, visitors_v: int, conversions_v: int
) -> Look:
    """A look at two conversion rates: unpooled SE, delta-method SE of the relative lift."""
    p1, p2 = conversions_c / visitors_c, conversions_v / visitors_v
    v1 = p1 * (1 - p1) / visitors_c
    v2 = p2 * (1 - p2) / visitors_v
    se = math.sqrt(v1 + v2)
    rel = se_rel = None
    if p1 > 0:
        rel = p2 / p1 - 1
        se_rel = math.sqrt(v2 / p1**2 + p2**2 * v1 / p1**4)
    return Look(p2 - p1, se, visitors_c + visitors_v, rel, se_rel)


def mean_look(n_c: int, mean_c: float, sd_c: float, n_v: int, mean_v: float, sd_v: float) -> Look:
    v1, v2 = sd_c**2 / n_c, sd_v**2 / n_v
    rel = se_rel = None
    if mean_c != 0:
        rel = mean_v / mean_c - 1
        se_rel = math.sqrt(v2 / mean_c**2 + mean_v**2 * v1 / mean_c**4)
    return Look(mean_v - mean_c, math.sqrt(v1 + v2), n_c + n_v, rel, se_rel)


def sequential_series(
    looks: Sequence[Look], alpha: float = 0.05, tuning: float = DEFAULT_TUNING
) -> list[dict]:
    """Each look's band and p, with the running intersection of the bands and running minimum
    of the p-values (both stay valid: the band holds on every day at once)."""
    out = []
    lo, hi, p_min = -math.inf, math.inf, 1.0
    for look in looks:
        one = sequential_look(look, alpha, tuning)
        if one["ci_abs"] is not None:
            lo, hi = max(lo, one["ci_abs"][0]), min(hi, one["ci_abs"][1])
            p_min = min(p_min, one["p_value"])
        out.append(
            {
                **one,
                "diff": look.diff,
                "rel": look.rel,
                "n_total": look.n_total,
                "ci_abs_running": None if lo == -math.inf else (lo, hi),
                "p_value_running": p_min if one["p_value"] is not None else None,
            }
        )
    return out


@dataclass
class SequentialTestResult:
    """A conversion test read as a sequential test: its JSON is the conversion test's, with
    ci_abs / ci_rel the confidence sequences, p_value always valid, and "mode" / "tuning"."""

    result: object  # abtest.ABTestResult or ab_priors.PriorTestResult
    tuning: float

    def as_dict(self) -> dict:
        return {**self.result.as_dict(), "mode": "sequential", "tuning": self.tuning}


def make_sequential(result, alpha: float, tuning: float = DEFAULT_TUNING) -> SequentialTestResult:
    """Turn a fixed-horizon conversion result into a sequential one, in place: every variant's
    intervals become confidence sequences, its p-value always valid, then Holm again."""
    from kptui.engine.abtest import holm

    tuning = check_tuning(tuning)
    inner = getattr(result, "result", result)
    c = inner.control
    for v in inner.variants:
        look = proportion_look(c.visitors, c.conversions, v.visitors, v.conversions)
        one = sequential_look(look, alpha, tuning)
        if v.p_value is None:  # both arms at 0% or 100%: nothing to test, as fixed
            continue
        v.ci_abs, v.ci_rel, v.p_value = one["ci_abs"], one["ci_rel"], one["p_value"]
        v.z = look.diff / look.se if look.se > 0 else v.z
    for v, adj in zip(inner.variants, holm([v.p_value for v in inner.variants]), strict=True):
        v.p_value_adjusted = adj
        v.significant = adj is not None and adj < alpha
    return SequentialTestResult(result, tuning)

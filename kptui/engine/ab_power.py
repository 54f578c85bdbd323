"""How long until I know? Sample sizes for means, power so far and days left.

- `sample_size_means`: visitors per arm for a two-sided Welch/Student test of two means with
  equal SDs and equal arms, from the noncentral t (the same n statsmodels' `TTestIndPower`
  solves for, then rounded up).
- `power_so_far`: the chance that a test at the current sample would detect an effect of a
  given size (the MDE, or the observed lift), from the current standard error; and, at the
  current daily traffic, the days still needed to reach the target power. In sequential mode
  the boundary is the confidence sequence's, so more visitors are needed than for a single
  look at the end: that is the price of looking every day.

The power and days-left functions are standard library only (normal approximation, good
for the hundreds of visitors and more a test runs on); `sample_size_means` imports scipy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from kptui.engine.ab_fields import bad
from kptui.engine.ab_sequential import DEFAULT_TUNING, boundary_z, check_tuning
from kptui.engine.abtest import MAX_ARMS, check_alpha, check_comparison_alpha

_NORMAL = NormalDist()
# The standardised effect (MDE / SD) a sample size is solved for: below 1e-6 SDs it needs
# over 10^13 visitors per arm, above 100 SDs one visitor shows it.
MIN_EFFECT, MAX_EFFECT = 1e-6, 100.0


def _check_power(power: float) -> float:
    if not (isinstance(power, (int, float)) and math.isfinite(power) and 0 < power < 1):
        raise bad(f"{{field}} must be between 0 and 1 (exclusive), got {power}", "power")
    return float(power)


def _check_arms(arms: int) -> int:
    if isinstance(arms, bool) or not isinstance(arms, int) or arms < 2:
        raise bad(f"{{field}} must be a whole number of at least 2, got {arms}", "arms")
    if arms > MAX_ARMS:  # the same limit as a test's arms (engine/abtest.py)
        raise bad(f"{{field}} is at most {MAX_ARMS} (control included), got {arms:,}", "arms")
    return arms


def _check_daily(daily: float | None) -> float | None:
    if daily is None:
        return None
    if not (isinstance(daily, (int, float)) and math.isfinite(daily) and daily > 0):
        raise bad(f"{{field}} must be a positive number of visitors a day, got {daily}", "daily")
    return float(daily)


def t_power(n: float, effect: float, alpha: float) -> float:
    """Power of the two-sided two-sample t-test with n per arm and standardised effect d."""
    from scipy import stats

    df = 2 * n - 2
    nc = abs(effect) * math.sqrt(n / 2)
    crit = stats.t.ppf(1 - alpha / 2, df)
    power = float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))
    if not math.isfinite(power):
        # scipy's noncentral t is NaN far in its tail (nc 14 at df 2: an effect of 10 SDs),
        # which stopped the solver; the normal approximation of that tail holds there
        power = 1 - _NORMAL.cdf((crit - nc) / math.sqrt(1 + crit**2 / (2 * df)))
    return power


def solve_n_means(effect: float, alpha: float, power: float) -> float:
    """Unrounded n per arm at which `t_power` reaches `power` (Brent's method)."""
    from scipy import optimize

    z = _NORMAL.inv_cdf(1 - alpha / 2) + _NORMAL.inv_cdf(power)
    guess = 2 * (z / abs(effect)) ** 2 + 2
    lo = 2.0 + 1e-9
    if t_power(lo, effect, alpha) >= power:  # the fewest a t-test can run on already suffice
        return lo
    hi = max(4.0, guess * 2)
    while t_power(hi, effect, alpha) < power:
        hi *= 2
    return optimize.brentq(
        lambda n: t_power(n, effect, alpha) - power, lo, hi, xtol=1e-12, rtol=1e-14
    )


def sample_size_means(
    baseline_mean: float,
    sd: float,
    mde: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    arms: int = 2,
    daily: float | None = None,
) -> dict:
    """Visitors per arm to detect baseline_mean -> baseline_mean + mde (or x (1 + mde) with
    `relative`). With more than two arms each variant is tested at alpha / (arms - 1)."""
    check_alpha(alpha)
    power = _check_power(power)
    arms = _check_arms(arms)
    daily = _check_daily(daily)
    for what, v in (("baseline", baseline_mean), ("sd", sd), ("mde", mde)):
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise bad(f"{{field}} must be a finite number, got {v!r}", what)
    if sd <= 0:
        raise bad(f"{{field}} must be positive, got {sd:g}", "sd")
    target = baseline_mean * (1 + mde) if relative else baseline_mean + mde
    delta = target - baseline_mean
    if delta == 0:
        raise bad("{field} must not be zero: there is no effect to detect", "mde")
    a = check_comparison_alpha(alpha / (arms - 1))
    effect = delta / sd
    if not MIN_EFFECT <= abs(effect) <= MAX_EFFECT:
        # sd 1e300 overflowed the solver and sd 1e-300 made it NaN: both internal errors
        why = (
            "too small to detect (it would need more visitors than exist)"
            if abs(effect) < MIN_EFFECT
            else "more than 100 SDs: a change that large needs no test (check the SD)"
        )
        raise bad(f"{{field}} {mde:g} is {abs(effect):.3g} SDs per visitor: {why}", "mde")
    n = solve_n_means(effect, a, power)
    per_arm = math.ceil(n - 1e-9)
    total = per_arm * arms
    return {
        "metric": "mean",
        "baseline": baseline_mean,
        "sd": sd,
        "target": target,
        "mde_abs": delta,
        "mde_rel": delta / baseline_mean if baseline_mean != 0 else None,
        "effect_size": delta / sd,
        "per_arm": per_arm,
        "per_arm_exact": n,
        "total": total,
        "days": None if daily is None else math.ceil(total / daily),
        "alpha": alpha,
        "alpha_per_comparison": a,
        "power": power,
        "arms": arms,
        "daily": daily,
    }


def _power_at(se: float, effect: float, crit: float) -> float:
    u = abs(effect) / se
    return _NORMAL.cdf(u - crit) + _NORMAL.cdf(-u - crit)


def power_so_far(
    *,
    sd_c: float,
    sd_v: float,
    n_c: int,
    n_v: int,
    effect: float,
    alpha: float = 0.05,
    power: float = 0.8,
    daily: float | None = None,
    days_run: float | None = None,
    sequential: bool = False,
    tuning: float = DEFAULT_TUNING,
    comparisons: int = 1,
) -> dict:
    """Power reached for `effect` (a difference in the metric's units) at the current sample,
    and the visitors and days still needed for `power`.

    `sd_c`, `sd_v` are per-visitor SDs (sqrt(p (1 - p)) for a rate); arms keep their current
    proportions as they grow. Daily traffic is `daily` (all arms) or, without it, the
    visitors so far divided by `days_run`. Days left is None when neither is known, 0 when the
    power is already reached.
    """
    check_alpha(alpha)
    power = _check_power(power)
    daily = _check_daily(daily)
    if days_run is not None and not (math.isfinite(days_run) and days_run > 0):
        raise bad(f"{{field}} must be a positive number of days, got {days_run}", "days")
    if sequential:
        check_tuning(tuning)
    n_now = n_c + n_v
    if n_c < 2 or n_v < 2:
        raise bad("power needs at least 2 visitors in each arm", "n")
    a = alpha / max(1, comparisons)
    share_c = n_c / n_now
    unit_var = sd_c**2 / share_c + sd_v**2 / (1 - share_c)  # se^2 = unit_var / n_total

    def crit(n_total: float) -> float:
        return boundary_z(n_total, a, tuning) if sequential else _NORMAL.inv_cdf(1 - a / 2)

    def pw(n_total: float) -> float:
        if unit_var == 0:
            return 1.0
        return _power_at(math.sqrt(unit_var / n_total), effect, crit(n_total))

    reached = pw(n_now)
    needed: int | None
    if effect == 0:
        needed = None
    elif reached >= power:
        needed = n_now
    else:
        lo, hi = float(n_now), float(n_now) * 2
        while pw(hi) < power:
            hi *= 2
            if hi > 1e15:
                break
        if pw(hi) < power:
            needed = None
        else:
            for _ in range(200):
                mid = (lo + hi) / 2
                if pw(mid) >= power:
                    hi = mid
                else:
                    lo = mid
                if hi - lo < 0.5:
                    break
            needed = math.ceil(hi)
    rate = daily if daily is not None else (n_now / days_run if days_run else None)
    days_left = None
    if needed is not None and rate:
        days_left = max(0, math.ceil((needed - n_now) / rate - 1e-9))
    return {
        "effect": effect,
        "power_target": power,
        "power_reached": reached,
        "visitors_so_far": n_now,
        "visitors_needed": needed,
        "daily": rate,
        "days_left": days_left,
        "mode": "sequential" if sequential else "fixed",
        "alpha_per_comparison": a,
    }

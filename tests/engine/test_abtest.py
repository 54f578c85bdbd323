"""kptui.engine.abtest against scipy and statsmodels, computed here in the test itself.

The engine is standard library only; every number it produces is checked against an
independent computation (scipy quadrature, statsmodels, Monte Carlo with numpy) over the grid
the issue asks for: equal rates, 0% and 100%, n = 10, very unequal arms, 10^8 visitors, three
and four variants, alpha 0.01 and 0.1.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    power_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from kptui.engine import abtest
from kptui.engine.abtest import Arm
from kptui.errors import UsageError

# ---------------------------------------------------------------------------------------
# references


def _beta_pieces(a: float, b: float) -> list[float]:
    """Breakpoints for quad around a (possibly very narrow) Beta density."""
    m = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return sorted({min(1.0, max(0.0, m + t * sd)) for t in (-40, -12, -6, -3, 0, 3, 6, 12, 40)})


def _quad(f, pieces: list[float]) -> float:
    total = 0.0
    for lo, hi in itertools.pairwise(pieces):
        if hi > lo:
            total += integrate.quad(f, lo, hi, epsabs=1e-15, epsrel=1e-12, limit=200)[0]
    return total


def ref_prob_beat(control: Arm, variant: Arm) -> float:
    """P(rate_v > rate_c) = integral of pdf_c(x) * sf_v(x) dx, by scipy quad."""
    (a1, b1), (a2, b2) = control.posterior, variant.posterior
    return _quad(
        lambda x: stats.beta.pdf(x, a1, b1) * stats.beta.sf(x, a2, b2), _beta_pieces(a1, b1)
    )


def ref_prob_best(arms: list[Arm]) -> list[float]:
    params = [a.posterior for a in arms]
    out = []
    for j, (a, b) in enumerate(params):
        others = [p for i, p in enumerate(params) if i != j]

        def f(x, a=a, b=b, others=others):
            v = stats.beta.pdf(x, a, b)
            for ai, bi in others:
                v *= stats.beta.cdf(x, ai, bi)
            return v

        out.append(_quad(f, _beta_pieces(a, b)))
    return out


def ref_loss(x_arm: Arm, y_arm: Arm) -> float:
    """E[max(X - Y, 0)] with E[(x - Y)+] = x F_Y(x) - mean_Y F_{Beta(a+1, b)}(x)."""
    (a1, b1), (a2, b2) = x_arm.posterior, y_arm.posterior
    m2 = a2 / (a2 + b2)

    def f(x):
        inner = x * stats.beta.cdf(x, a2, b2) - m2 * stats.beta.cdf(x, a2 + 1, b2)
        return stats.beta.pdf(x, a1, b1) * inner

    return _quad(f, _beta_pieces(a1, b1))


def monte_carlo_best(arms: list[Arm], draws: int = 400_000, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    samples = np.column_stack([rng.beta(*a.posterior, size=draws) for a in arms])
    return np.bincount(samples.argmax(axis=1), minlength=len(arms)) / draws


# ---------------------------------------------------------------------------------------
# the grid of two-arm experiments

PAIRS = {
    "equal rates": (Arm("A", 1000, 80), Arm("B", 1000, 80)),
    "typical": (Arm("A", 1000, 80), Arm("B", 1000, 100)),
    "both 0%": (Arm("A", 10, 0), Arm("B", 10, 0)),
    "both 100%": (Arm("A", 10, 10), Arm("B", 10, 10)),
    "0% vs 100%": (Arm("A", 10, 0), Arm("B", 10, 10)),
    "100% control": (Arm("A", 50, 50), Arm("B", 60, 40)),
    "n = 10": (Arm("A", 10, 3), Arm("B", 10, 5)),
    "very unequal arms": (Arm("A", 100_000, 5_000), Arm("B", 20, 3)),
    "unequal, big control": (Arm("A", 2_000_000, 30_000), Arm("B", 1_500, 31)),
    "1e8 visitors": (Arm("A", 10**8, 10**7), Arm("B", 10**8, 10**7 + 5_000)),
    "1e8 visitors, equal": (Arm("A", 10**8, 5 * 10**7), Arm("B", 10**8, 5 * 10**7)),
    "1e8 vs small": (Arm("A", 10**8, 2 * 10**6), Arm("B", 1_000, 25)),
}
ALPHAS = [0.01, 0.05, 0.1]


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("case", list(PAIRS))
def test_frequentist_pieces_match_statsmodels(case: str, alpha: float) -> None:
    control, variant = PAIRS[case]
    res = abtest.analyze(control, [variant], alpha=alpha)
    v = res.variants[0]

    for arm, out in ((control, res.control), (variant, v)):
        lo, hi = proportion_confint(arm.conversions, arm.visitors, alpha=alpha, method="wilson")
        assert out.rate_ci == pytest.approx((lo, hi), abs=1e-12)
        assert out.rate == arm.conversions / arm.visitors

    assert v.lift_abs == pytest.approx(variant.rate - control.rate, abs=1e-15)
    if control.rate == 0:
        assert v.lift_rel is None
    else:
        assert v.lift_rel == pytest.approx(variant.rate / control.rate - 1, rel=1e-12)

    pooled = (control.conversions + variant.conversions) / (control.visitors + variant.visitors)
    if pooled in (0.0, 1.0):
        assert v.z is None and v.p_value is None and v.p_value_adjusted is None
        assert v.significant is False
    else:
        z, p = proportions_ztest(
            [variant.conversions, control.conversions], [variant.visitors, control.visitors]
        )
        assert v.z == pytest.approx(z, rel=1e-9)
        assert v.p_value == pytest.approx(p, rel=1e-6, abs=1e-300)
        # the pooled z-test is the chi-square test without Yates' correction
        table = [
            [variant.conversions, variant.visitors - variant.conversions],
            [control.conversions, control.visitors - control.conversions],
        ]
        chi2_p = stats.chi2_contingency(table, correction=False)[1]
        assert v.p_value == pytest.approx(chi2_p, rel=1e-6, abs=1e-300)
        assert v.p_value_adjusted == v.p_value  # one variant: Holm changes nothing
        assert v.significant == (v.p_value < alpha)

    se_unpooled = math.sqrt(
        control.rate * (1 - control.rate) / control.visitors
        + variant.rate * (1 - variant.rate) / variant.visitors
    )
    if se_unpooled == 0:
        assert v.ci_abs is None
    else:
        lo, hi = confint_proportions_2indep(
            variant.conversions,
            variant.visitors,
            control.conversions,
            control.visitors,
            method="wald",
            compare="diff",
            alpha=alpha,
        )
        assert v.ci_abs == pytest.approx((lo, hi), abs=1e-12)


def _delta_method_ratio(control: Arm, variant: Arm, alpha: float) -> tuple[float, float]:
    """Relative lift interval by the delta method in matrix form, with scipy's normal."""
    p1, p2 = control.rate, variant.rate
    cov = np.diag(
        [p1 * (1 - p1) / control.visitors, p2 * (1 - p2) / variant.visitors]
    )  # independent arms
    grad = np.array([-p2 / p1**2, 1 / p1])  # d(p2 / p1 - 1) / d(p1, p2)
    se = float(np.sqrt(grad @ cov @ grad))
    z = stats.norm.ppf(1 - alpha / 2)
    r = p2 / p1 - 1
    return r - z * se, r + z * se


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("case", list(PAIRS))
def test_relative_lift_interval_is_the_delta_method(case: str, alpha: float) -> None:
    control, variant = PAIRS[case]
    ci = abtest.relative_lift_interval(control, variant, alpha)
    if control.rate == 0 or (control.rate in (0, 1) and variant.rate in (0, 1)):
        assert ci is None
        return
    assert ci == pytest.approx(_delta_method_ratio(control, variant, alpha), rel=1e-9)


@pytest.mark.parametrize("case", list(PAIRS))
def test_prob_beat_is_exact_against_scipy_quadrature(case: str) -> None:
    control, variant = PAIRS[case]
    got = abtest.prob_beat(control, variant)
    want = ref_prob_beat(control, variant)
    # the closed form is exact; at 1e8 visitors the log-gamma terms leave ~1e-8
    tol = 5e-8 if control.visitors >= 10**8 else 1e-11
    assert got == pytest.approx(want, abs=tol)
    # and it is a probability, with P(A > B) + P(B > A) = 1
    assert 0.0 <= got <= 1.0
    assert got + abtest.prob_beat(variant, control) == pytest.approx(1.0, abs=2 * tol)


def test_prob_beat_known_closed_forms() -> None:
    # identical posteriors: exactly one half, whatever the counts
    for n, x in ((10, 0), (10, 10), (1000, 80), (10**8, 10**7)):
        assert abtest.prob_beat(Arm("A", n, x), Arm("B", n, x)) == pytest.approx(0.5, abs=1e-8)
    # Beta(1, 11) vs Beta(11, 1): P(X2 < X1) = integral of 11 x^10 (1 - x)^11 = 11 B(11, 12)
    p = abtest.prob_beat(Arm("A", 10, 0), Arm("B", 10, 10))
    f = math.factorial
    assert p == pytest.approx(1 - 11 * f(10) * f(11) / f(22), abs=1e-15)
    # Beta(1, 11) vs Beta(1, 1001) (both arms at 0%): P(X1 > X2) = 1001 / 1012
    p = abtest.prob_beat(Arm("A", 10, 0), Arm("B", 1000, 0))
    assert 1 - p == pytest.approx(1001 / 1012, abs=1e-15)


def test_prob_beat_monte_carlo_agrees() -> None:
    control, variant = Arm("A", 1000, 80), Arm("B", 1000, 100)
    rng = np.random.default_rng(1)
    draws = 1_000_000
    pa = rng.beta(*control.posterior, size=draws)
    pb = rng.beta(*variant.posterior, size=draws)
    mc = float((pb > pa).mean())
    assert abtest.prob_beat(control, variant) == pytest.approx(
        mc, abs=4 * math.sqrt(0.06 * 0.94 / draws)
    )


def test_prob_greater_uses_normal_approximation_only_beyond_budget() -> None:
    # 10^12 visitors per arm: too many terms for the exact walk; the documented normal
    # approximation of the two posteriors takes over and is still right.
    a1, b1 = 10**11 + 1, 9 * 10**11 + 1
    a2, b2 = 10**11 + 400_001, 9 * 10**11 - 399_999
    got = abtest.prob_greater(a1, b1, a2, b2)
    m1, m2 = a1 / (a1 + b1), a2 / (a2 + b2)
    v1 = a1 * b1 / ((a1 + b1) ** 2 * (a1 + b1 + 1))
    v2 = a2 * b2 / ((a2 + b2) ** 2 * (a2 + b2 + 1))
    assert got == pytest.approx(stats.norm.cdf((m2 - m1) / math.sqrt(v1 + v2)), abs=1e-6)


@pytest.mark.parametrize("case", list(PAIRS))
def test_expected_loss_against_scipy(case: str) -> None:
    control, variant = PAIRS[case]
    choose_variant, choose_control = abtest.expected_loss(control, variant)
    want_v = ref_loss(control, variant)  # E[max(rate_c - rate_v, 0)]
    want_c = ref_loss(variant, control)
    # relative where the loss is big enough to be computed that way, absolute otherwise
    assert choose_variant == pytest.approx(want_v, rel=1e-6, abs=1e-12)
    assert choose_control == pytest.approx(want_c, rel=1e-6, abs=1e-12)
    assert choose_variant >= 0 and choose_control >= 0
    # the identity the engine relies on: loss_v - loss_c = mean_c - mean_v
    (a1, b1), (a2, b2) = control.posterior, variant.posterior
    assert choose_variant - choose_control == pytest.approx(
        a1 / (a1 + b1) - a2 / (a2 + b2), abs=1e-12
    )


MULTI = {
    "three variants": [
        Arm("A", 1000, 80),
        Arm("B", 1000, 100),
        Arm("C", 1000, 95),
        Arm("D", 1000, 70),
    ],
    "four variants, n = 10 and 0/100%": [
        Arm("A", 10, 0),
        Arm("B", 10, 1),
        Arm("C", 10, 0),
        Arm("D", 10, 10),
        Arm("E", 10, 5),
    ],
    "1e8 visitors": [
        Arm("A", 10**8, 10**7),
        Arm("B", 10**8, 10**7 + 5_000),
        Arm("C", 10**8, 10**7 - 3_000),
    ],
    "very unequal": [
        Arm("A", 100_000, 5_000),
        Arm("B", 20, 3),
        Arm("C", 5_000, 260),
        Arm("D", 1_000, 40),
    ],
    "identical": [Arm("A", 500, 50), Arm("B", 500, 50), Arm("C", 500, 50)],
}


@pytest.mark.parametrize("case", list(MULTI))
def test_prob_best_against_quadrature_and_monte_carlo(case: str) -> None:
    arms = MULTI[case]
    got = abtest.prob_best(arms)
    assert sum(got) == pytest.approx(1.0, abs=1e-12)
    assert got == pytest.approx(ref_prob_best(arms), abs=1e-9)
    mc = monte_carlo_best(arms)
    assert got == pytest.approx(mc.tolist(), abs=0.004)


def test_prob_best_two_arms_is_prob_beat_and_grid_agrees() -> None:
    control, variant = PAIRS["typical"]
    assert abtest.prob_best([control, variant]) == [
        pytest.approx(1 - abtest.prob_beat(control, variant)),
        pytest.approx(abtest.prob_beat(control, variant)),
    ]
    # the grid integrator (used for 3+ arms) reproduces the exact closed form with 2 arms
    grid = abtest._Posteriors([control.posterior, variant.posterior])
    p = grid.integral([f * c for f, c in zip(grid.pdf[1], grid.cdf(0), strict=True)])
    assert p == pytest.approx(abtest.prob_beat(control, variant), abs=1e-12)


def test_identical_arms_share_prob_best() -> None:
    got = abtest.prob_best(MULTI["identical"])
    assert got == pytest.approx([1 / 3] * 3, abs=1e-12)


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("case", list(MULTI))
def test_multi_variant_report_holm_and_srm(case: str, alpha: float) -> None:
    control, *variants = MULTI[case]
    res = abtest.analyze(control, variants, alpha=alpha)
    raw = [v.p_value for v in res.variants]
    testable = [i for i, p in enumerate(raw) if p is not None]
    if testable:
        reject, adjusted, _, _ = multipletests(
            [raw[i] for i in testable], alpha=alpha, method="holm"
        )
        for k, i in enumerate(testable):
            assert res.variants[i].p_value_adjusted == pytest.approx(adjusted[k], rel=1e-9)
            assert res.variants[i].significant == bool(reject[k])
    for i, v in enumerate(res.variants):
        if i not in testable:
            assert v.p_value_adjusted is None and not v.significant
        assert v.prob_beat_control == pytest.approx(ref_prob_beat(control, variants[i]), abs=5e-8)
    assert list(res.prob_best) == [a.name for a in MULTI[case]]
    assert list(res.prob_best.values()) == pytest.approx(abtest.prob_best(MULTI[case]))

    visitors = [a.visitors for a in MULTI[case]]
    want_srm = stats.chisquare(visitors).pvalue
    assert res.srm_p_value == pytest.approx(want_srm, rel=1e-9, abs=1e-300)
    assert res.srm_warning == (want_srm < 0.001)


def test_holm_matches_statsmodels_on_random_vectors() -> None:
    rng = np.random.default_rng(3)
    for m in (1, 2, 3, 4, 7):
        for _ in range(4):
            p = rng.uniform(0, 0.2, size=m) ** rng.uniform(0.5, 3)
            want = multipletests(p, method="holm")[1]
            assert abtest.holm(p.tolist()) == pytest.approx(want.tolist(), rel=1e-12)
    assert abtest.holm([0.01, None, 0.04]) == [0.02, None, 0.04]


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 7, 10])
def test_chi2_sf_against_scipy(dof: int) -> None:
    for x in (0.0, 1e-6, 0.1, 0.5, 1, 2.7, 5, 10, 30, 100, 700):
        want = stats.chi2.sf(x, dof)
        assert abtest.chi2_sf(x, dof) == pytest.approx(want, rel=1e-10, abs=1e-300)


def test_srm_with_an_intended_split() -> None:
    visitors = [2000, 4100, 3900]
    split = abtest.parse_split("20,40,40", 3)
    assert split == pytest.approx([0.2, 0.4, 0.4])
    total = sum(visitors)
    want = stats.chisquare(visitors, [total * s for s in split]).pvalue
    assert abtest.srm_p_value(visitors, split) == pytest.approx(want, rel=1e-10)
    res = abtest.analyze(
        Arm("A", 2000, 100), [Arm("B", 4100, 200), Arm("C", 3900, 210)], split=split
    )
    assert res.srm_p_value == pytest.approx(want, rel=1e-10)
    assert res.split == pytest.approx(split)
    # the same counts against an equal split are a glaring mismatch
    assert abtest.analyze(Arm("A", 2000, 100), [Arm("B", 4100, 200)]).srm_warning


def test_warnings_too_early_and_srm() -> None:
    res = abtest.analyze(Arm("A", 1000, 24), [Arm("B", 999, 30)])
    text = " ".join(res.warnings)
    assert "too early to call: A" in text and "too early to call: B" in text
    res = abtest.analyze(Arm("A", 10_000, 800), [Arm("B", 12_000, 1000)])
    assert res.srm_warning and res.warnings[0].startswith("sample ratio mismatch")
    res = abtest.analyze(Arm("A", 10_000, 800), [Arm("B", 10_100, 1000)])
    assert not res.srm_warning and res.warnings == []


@pytest.mark.parametrize("case", ["both 0%", "both 100%"])
def test_undefined_values_are_none_and_json_has_no_nan(case: str) -> None:
    control, variant = PAIRS[case]
    res = abtest.analyze(control, [variant, Arm("C", 10, control.conversions)])
    d = res.as_dict()
    text = json.dumps(d, allow_nan=False)  # raises on NaN or infinity
    assert "NaN" not in text
    v = d["variants"][0]
    assert v["z"] is None and v["p_value"] is None and v["p_value_adjusted"] is None
    assert v["ci_abs"] is None and v["ci_rel"] is None
    assert v["significant"] is False
    if case == "both 0%":
        assert v["lift_rel"] is None
    assert v["prob_beat_control"] == pytest.approx(0.5)
    assert set(d) >= {
        "alpha",
        "control",
        "variants",
        "prob_best",
        "srm_p_value",
        "srm_warning",
    }


# ---------------------------------------------------------------------------------------
# sample size


def r_power(n: float, p1: float, p2: float, alpha: float) -> float:
    """R's power.prop.test (strict = FALSE), written with scipy."""
    qu = stats.norm.ppf(1 - alpha / 2)
    d = abs(p1 - p2)
    q1, q2 = 1 - p1, 1 - p2
    pbar, qbar = (p1 + p2) / 2, 1 - (p1 + p2) / 2
    return stats.norm.cdf(
        (math.sqrt(n) * d - qu * math.sqrt(2 * pbar * qbar)) / math.sqrt(p1 * q1 + p2 * q2)
    )


def r_n(p1: float, p2: float, alpha: float, power: float) -> float:
    """Solve for n the way power.prop.test does (uniroot), with scipy's brentq."""
    return optimize.brentq(lambda n: r_power(n, p1, p2, alpha) - power, 2, 1e10, xtol=1e-10)


def test_sample_size_known_r_values() -> None:
    # power.prop.test(p1 = .1, p2 = .12, power = .8)  -> n = 3840.847
    assert abtest._n_per_arm(0.1, 0.12, 0.05, 0.8) == pytest.approx(3840.847, abs=1e-3)
    assert abtest.sample_size(0.1, 0.02)["per_arm"] == 3841
    # power.prop.test(p1 = .50, p2 = .75, power = .90)  -> n = 76.7 (R's help page example)
    assert abtest._n_per_arm(0.5, 0.75, 0.05, 0.9) == pytest.approx(76.7, abs=0.05)
    assert abtest.sample_size(0.5, 0.25, power=0.9)["per_arm"] == 77


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("power", [0.8, 0.9])
@pytest.mark.parametrize(
    "baseline,mde,relative",
    [
        (0.1, 0.02, False),
        (0.01, 0.002, False),
        (0.05, 0.1, True),
        (0.3, -0.05, False),
        (0.5, 0.01, False),
        (0.0, 0.01, False),
        (0.9, 0.1, False),
        (0.02, -0.5, True),
    ],
)
def test_sample_size_matches_r_formula_solved_with_scipy(baseline, mde, relative, alpha, power):
    res = abtest.sample_size(baseline, mde, relative=relative, alpha=alpha, power=power)
    target = baseline * (1 + mde) if relative else baseline + mde
    assert res["target"] == pytest.approx(target, abs=1e-12)
    want = math.ceil(r_n(baseline, target, alpha, power))
    assert res["per_arm"] == want
    assert res["total"] == 2 * want
    assert res["days"] is None
    # statsmodels' pooled-null power (both tails) agrees: reached at n, not at n - 1
    sm = power_proportions_2indep(target - baseline, baseline, want, alpha=alpha).power
    sm_less = power_proportions_2indep(target - baseline, baseline, want - 1, alpha=alpha).power
    assert sm >= power - 1e-9
    assert sm_less < power + 1e-4


def test_sample_size_arms_and_days() -> None:
    res = abtest.sample_size(0.1, 0.02, arms=3, daily=1000)
    want = math.ceil(r_n(0.1, 0.12, 0.025, 0.8))  # each of 2 variants at alpha / 2
    assert res["per_arm"] == want
    assert res["total"] == 3 * want
    assert res["days"] == math.ceil(3 * want / 1000)
    res = abtest.sample_size(0.1, 0.2, relative=True, daily=1000)
    assert (res["per_arm"], res["total"], res["days"]) == (3841, 7682, 8)


@pytest.mark.parametrize("visitors", [50, 1000, 3841, 100_000])
def test_detectable_effect_inverts_sample_size(visitors: int) -> None:
    res = abtest.detectable_effect(0.1, visitors)
    target = res["target"]
    assert target is not None and target > 0.1
    # the found target needs at most `visitors`, anything smaller needs more
    assert r_n(0.1, target, 0.05, 0.8) <= visitors * (1 + 1e-9)
    assert r_n(0.1, target - 1e-6, 0.05, 0.8) > visitors
    assert res["mde_abs"] == pytest.approx(target - 0.1)
    assert res["mde_rel"] == pytest.approx(target / 0.1 - 1)


def test_detectable_effect_none_when_nothing_detectable() -> None:
    assert abtest.detectable_effect(0.1, 2)["target"] is None
    assert abtest.detectable_effect(1.0, 10_000)["target"] is None


# ---------------------------------------------------------------------------------------
# input validation: every nonsense input is a UsageError (exit code 2)


@pytest.mark.parametrize(
    "spec,message",
    [
        ("100:120", "exceed visitors"),
        ("-5:3", "cannot be negative"),
        ("100:-1", "cannot be negative"),
        ("10.5:1", "whole number"),
        ("100:1.5", "whole number"),
        ("0:0", "at least 1"),
        ("abc", "expected [NAME=]VISITORS:CONVERSIONS"),
        ("a:b", "whole number"),
        ("nan:1", "whole number"),
        ("100:nan", "whole number"),
        ("1e3:10", "whole number"),
        ("=100:10", "name is empty"),
        ("100:10:1", "expected"),
        ("", "expected"),
    ],
)
def test_parse_arm_rejects_nonsense(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")) as exc:
        abtest.parse_arm(spec, "B")
    assert exc.value.exit_code == 2


def test_parse_arm_and_default_names() -> None:
    assert abtest.parse_arm("Cover two=1_000:80", "B") == Arm("Cover two", 1000, 80)
    c, vs = abtest.parse_arms("1000:80", ["C=1000:90", "1000:100", "1000:110"])
    assert [c.name, *(v.name for v in vs)] == ["A", "C", "B", "D"]
    with pytest.raises(UsageError, match="both called"):
        abtest.analyze(Arm("A", 10, 1), [Arm("A", 10, 2)])
    with pytest.raises(UsageError):
        abtest.make_arm("A", float("nan"), 1)
    with pytest.raises(UsageError):
        abtest.make_arm("A", 10, 2.5)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, float("nan"), float("inf")])
def test_alpha_outside_unit_interval(alpha: float) -> None:
    with pytest.raises(UsageError, match="--alpha"):
        abtest.analyze(Arm("A", 10, 1), [Arm("B", 10, 2)], alpha=alpha)
    with pytest.raises(UsageError, match="--alpha"):
        abtest.sample_size(0.1, 0.01, alpha=alpha)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"baseline": 1.1, "mde": 0.1}, "--baseline"),
        ({"baseline": -0.1, "mde": 0.1}, "--baseline"),
        ({"baseline": float("nan"), "mde": 0.1}, "--baseline"),
        ({"baseline": 0.95, "mde": 0.1}, "outside"),
        ({"baseline": 0.05, "mde": -0.1}, "outside"),
        ({"baseline": 0.5, "mde": 1.5, "relative": True}, "outside"),
        ({"baseline": 0.1, "mde": 0}, "zero"),
        ({"baseline": 0.0, "mde": 0.5, "relative": True}, "zero"),
        ({"baseline": 0.1, "mde": float("nan")}, "--mde"),
        ({"baseline": 0.1, "mde": 0.01, "power": 1.0}, "--power"),
        ({"baseline": 0.1, "mde": 0.01, "power": 0}, "--power"),
        ({"baseline": 0.1, "mde": 0.01, "power": float("nan")}, "--power"),
        ({"baseline": 0.1, "mde": 0.01, "daily": 0}, "--daily"),
        ({"baseline": 0.1, "mde": 0.01, "daily": -100}, "--daily"),
        ({"baseline": 0.1, "mde": 0.01, "arms": 1}, "--arms"),
    ],
)
def test_sample_size_rejects_nonsense(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        abtest.sample_size(**kwargs)


def test_split_rejects_nonsense() -> None:
    for text in ("50", "50,abc", "50,0", "50,-50", "50,nan", "50,50,50"):
        with pytest.raises(UsageError, match="--split"):
            abtest.parse_split(text, 2)


def test_engine_stays_free_of_heavy_and_ui_imports() -> None:
    import ast
    from pathlib import Path

    tree = ast.parse(Path(abtest.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {
        "__future__",
        "itertools",
        "math",
        "re",
        "collections",
        "dataclasses",
        "statistics",
        "functools",
        "typing",
        "kptui",
    }

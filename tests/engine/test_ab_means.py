"""Mean-metric A/B tests, priors, sequential mode and power, against independent references.

References are computed here: scipy.stats.ttest_ind(equal_var=False), statsmodels'
CompareMeans / TTestIndPower / NormalIndPower / multipletests, scipy quadrature, and
simulations with numpy (bootstrap coverage, type I error under daily looks).
"""

from __future__ import annotations

import io
import itertools
import math

import numpy as np
import polars as pl
import pytest
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from kptui.engine import ab_means as am
from kptui.engine import ab_power as ap
from kptui.engine import ab_priors as pr
from kptui.engine import ab_sequential as seq
from kptui.engine import abtest
from kptui.errors import DataError, UsageError

TOL = 1e-9


def _revenue(rng, n: int, buy: float = 0.05, scale: float = 1.0) -> np.ndarray:
    """Revenue per visitor: mostly zeros, lognormal orders."""
    return np.where(rng.random(n) < buy, rng.lognormal(3.0, 1.0, n) * scale, 0.0)


CASES = [
    # (n_c, n_v, generator)
    (2, 2, lambda r, n: r.normal(0, 1, n)),
    (3, 50, lambda r, n: r.normal(5, 2, n)),
    (500, 650, lambda r, n: _revenue(r, n, 0.3)),
    (10_000, 9_000, lambda r, n: _revenue(r, n, 0.05)),
    (40, 4000, lambda r, n: r.exponential(3, n)),
]


@pytest.mark.parametrize("n_c,n_v,gen", CASES)
def test_welch_matches_scipy_and_statsmodels(n_c, n_v, gen):
    rng = np.random.default_rng(n_c + n_v)
    a, b = gen(rng, n_c), gen(rng, n_v) * 1.1 + 0.01
    arm_a, arm_b = am.arm_from_values("A", a), am.arm_from_values("B", b)
    w = am.welch(arm_a, arm_b)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert w["t"] == pytest.approx(ref.statistic, abs=TOL, rel=TOL)
    assert w["p"] == pytest.approx(ref.pvalue, abs=TOL)
    assert w["df"] == pytest.approx(ref.df, rel=TOL)
    cm = CompareMeans(DescrStatsW(b), DescrStatsW(a))
    for alpha in (0.01, 0.05, 0.1):
        lo, hi = am.welch_interval(arm_a, arm_b, alpha)
        rlo, rhi = cm.tconfint_diff(alpha=alpha, usevar="unequal")
        assert lo == pytest.approx(rlo, abs=TOL) and hi == pytest.approx(rhi, abs=TOL)
    _t_sm, p_sm, df_sm = cm.ttest_ind(usevar="unequal")
    assert w["p"] == pytest.approx(p_sm, abs=TOL) and w["df"] == pytest.approx(df_sm, rel=TOL)


def test_summaries_give_the_same_test_as_the_values():
    rng = np.random.default_rng(7)
    a, b = _revenue(rng, 3000), _revenue(rng, 3100, 0.06)
    from_values = am.analyze_means(am.arm_from_values("A", a), [am.arm_from_values("B", b)])
    sums = [f"{len(x)}:{float(x.sum())!r}:{float((x**2).sum())!r}" for x in (a, b)]
    msd = [f"{len(x)}:{float(x.mean())!r}:{float(x.std(ddof=1))!r}" for x in (a, b)]
    for specs, form in ((sums, "sums"), (msd, "mean-sd")):
        c, vs = am.parse_mean_arms(specs[0], [specs[1]], form)
        res = am.analyze_means(c, vs)
        got, want = res.variants[0], from_values.variants[0]
        assert (c.name, vs[0].name) == ("A", "B")
        assert got.p_value == pytest.approx(want.p_value, rel=1e-9)
        assert got.ci_abs == pytest.approx(want.ci_abs, rel=1e-9)
        assert got.ci_rel == pytest.approx(want.ci_rel, rel=1e-9)


def test_relative_lift_interval_is_the_delta_method():
    """Independent delta method: numerical gradient of m2/m1 - 1 times the covariance."""
    c = am.make_mean_arm("A", 800, 2.0, 5.0)
    v = am.make_mean_arm("B", 900, 2.4, 6.0)
    g = np.array([-2.4 / 2.0**2, 1 / 2.0])  # d/dm1, d/dm2
    cov = np.diag([5.0**2 / 800, 6.0**2 / 900])
    se = math.sqrt(g @ cov @ g)
    lo, hi = am.relative_interval(c, v, 0.05)
    z = stats.norm.ppf(0.975)
    assert lo == pytest.approx(0.2 - z * se, abs=TOL) and hi == pytest.approx(0.2 + z * se, abs=TOL)
    assert am.relative_interval(am.make_mean_arm("A", 10, 0.0, 1.0), v) is None


def test_bayesian_figures_match_quadrature_and_monte_carlo():
    c = am.make_mean_arm("A", 1000, 2.0, 6.0)
    v = am.make_mean_arm("B", 1100, 2.5, 7.0)
    d = am.make_mean_arm("C", 900, 2.3, 6.5)
    res = am.analyze_means(c, [v, d])
    sc, sv = c.se, v.se
    s = math.hypot(sc, sv)
    assert res.variants[0].prob_beat_control == pytest.approx(stats.norm.cdf(0.5 / s), abs=TOL)
    # E[max(A - B, 0)] by quadrature of the normal difference
    ref = integrate.quad(lambda x: max(-x, 0) * stats.norm.pdf(x, 0.5, s), -20 * s, 20 * s)[0]
    loss = res.variants[0].expected_loss
    assert loss["choose_variant"] == pytest.approx(ref, abs=1e-9)
    assert loss["choose_control"] - loss["choose_variant"] == pytest.approx(0.5, abs=1e-12)
    rng = np.random.default_rng(0)
    draws = np.column_stack([rng.normal(a.mean, a.se, 400_000) for a in (c, v, d)]).argmax(axis=1)
    mc = np.bincount(draws, minlength=3) / len(draws)
    got = [res.prob_best[k] for k in "ABC"]
    assert got == pytest.approx(mc, abs=4 * math.sqrt(0.25 / len(draws)))
    assert sum(got) == pytest.approx(1.0, abs=1e-12)


def test_holm_matches_statsmodels_and_decides_significance():
    rng = np.random.default_rng(3)
    c = am.arm_from_values("A", rng.normal(10, 3, 400))
    vs = [am.arm_from_values(n, rng.normal(10 + k * 0.4, 3, 400)) for k, n in enumerate("BCD")]
    res = am.analyze_means(c, vs, alpha=0.05)
    raw = [r.p_value for r in res.variants]
    ref = multipletests(raw, alpha=0.05, method="holm")
    assert [r.p_value_adjusted for r in res.variants] == pytest.approx(list(ref[1]), abs=TOL)
    assert [r.significant for r in res.variants] == list(ref[0])


def test_normal_prior_is_the_conjugate_update():
    c = am.make_mean_arm("A", 50, 3.0, 4.0)
    v = am.make_mean_arm("B", 60, 4.0, 4.0)
    prior = am.parse_normal_prior("2.5±0.5")
    assert prior == am.NormalPrior(2.5, 0.5) == am.parse_normal_prior("2.5+-0.5")
    m, var = am.posterior(c, prior)
    prec = 50 / 16 + 1 / 0.25
    assert var == pytest.approx(1 / prec) and m == pytest.approx((50 / 16 * 3 + 4 * 2.5) / prec)
    shrunk = am.analyze_means(c, [v], prior=prior).variants[0].prob_beat_control
    flat = am.analyze_means(c, [v]).variants[0].prob_beat_control
    vague = am.analyze_means(c, [v], prior=am.NormalPrior(0, 1e6)).variants[0].prob_beat_control
    assert 0.5 < shrunk < flat and vague == pytest.approx(flat, abs=1e-9)
    # a prior changes no frequentist figure
    assert am.analyze_means(c, [v], prior=prior).variants[0].p_value == pytest.approx(
        am.analyze_means(c, [v]).variants[0].p_value, abs=0
    )


def test_cap_is_the_pooled_percentile_and_is_stated():
    rng = np.random.default_rng(11)
    a, b = _revenue(rng, 2000, 0.3), _revenue(rng, 2000, 0.3)
    b[:3] = 1e6  # three whales
    res = am.analyze_means(
        am.arm_from_values("A", a), [am.arm_from_values("B", b)], cap_pct=99, metric="revenue"
    )
    cap = np.percentile(np.concatenate([a, b]), 99)
    assert res.cap == {
        "pct": 99.0,
        "value": pytest.approx(cap),
        "capped": int((a > cap).sum() + (b > cap).sum()),
    }
    ref = stats.ttest_ind(np.minimum(b, cap), np.minimum(a, cap), equal_var=False)
    assert res.variants[0].p_value == pytest.approx(ref.pvalue, abs=TOL)
    with pytest.raises(UsageError) as e:
        am.analyze_means(
            am.make_mean_arm("A", 10, 1, 1), [am.make_mean_arm("B", 10, 1, 1)], cap_pct=99
        )
    assert e.value.field == "cap_pct"
    with pytest.raises(UsageError) as e:
        am.cap_arms([am.arm_from_values("A", a)], 100)
    assert e.value.field == "cap_pct"


def test_revenue_splits_into_conversion_and_revenue_per_buyer():
    c = am.arm_from_values("A", [0, 0, 0, 10, 20, 0, 0, 0, 0, 0])  # 20% buy, 15 per buyer
    v = am.arm_from_values("B", [0, 0, 30, 30, 30, 0, 0, 0, 0, 0])  # 30% buy, 30 per buyer
    res = am.analyze_means(c, [v], metric="revenue")
    assert res.control.conversion_rate == pytest.approx(0.2)
    assert res.control.revenue_per_buyer == pytest.approx(15)
    parts = res.variants[0].parts
    assert parts["conversion_lift_rel"] == pytest.approx(0.5)
    assert parts["revenue_per_buyer_lift_rel"] == pytest.approx(1.0)
    rel = res.variants[0].lift_rel
    assert 1 + rel == pytest.approx(1.5 * 2.0)
    assert am.analyze_means(c, [v], metric="mean").variants[0].parts is None


def test_bootstrap_is_seeded_and_covers_at_its_nominal_rate():
    """400 simulated experiments with a known difference of means: the 90% percentile
    bootstrap interval should cover it ~90% of the time (3-sigma band, and skewed data)."""
    rng = np.random.default_rng(2024)
    true_c = 0.3 * math.exp(3.0 + 0.5)  # mean of the revenue generator with buy = 0.3
    true_v = true_c * 1.2
    sims, covered = 400, 0
    for _ in range(sims):
        a = _revenue(rng, 300, 0.3)
        b = _revenue(rng, 300, 0.3) * 1.2
        ci = am.bootstrap_intervals(
            am.arm_from_values("A", a),
            am.arm_from_values("B", b),
            resamples=400,
            seed=int(rng.integers(1 << 31)),
            alpha=0.10,
        )["ci_abs"]
        covered += ci[0] <= true_v - true_c <= ci[1]
    rate = covered / sims
    band = 3 * math.sqrt(0.9 * 0.1 / sims)
    assert abs(rate - 0.9) <= band, rate
    x = am.arm_from_values("A", _revenue(rng, 500, 0.3))
    y = am.arm_from_values("B", _revenue(rng, 500, 0.3))
    one = am.bootstrap_intervals(x, y, resamples=300, seed=5)
    assert one == am.bootstrap_intervals(x, y, resamples=300, seed=5)
    assert one != am.bootstrap_intervals(x, y, resamples=300, seed=6)
    with pytest.raises(UsageError):
        am.bootstrap_intervals(am.make_mean_arm("A", 10, 1, 1), y)


@pytest.mark.parametrize(
    "spec,form,field,words",
    [
        ("1000:2.4:-1", "mean-sd", "sd", "negative"),
        ("1:5:25", "sums", "n", "at least 2"),
        ("1:5:1", "mean-sd", "n", "at least 2"),
        ("100:500:10", "sums", "sumsq", "smaller than"),
        ("100:x:10", "sums", "sum", "number"),
        ("100.5:5:300", "sums", "n", "whole"),
        ("100:5", "sums", "arm", "expected"),
        ("100:5:30:101", "sums", "buyers", "between"),
        ("100:nan:30", "sums", "sum", "finite"),
    ],
)
def test_bad_summaries_name_their_field(spec, form, field, words):
    with pytest.raises(UsageError) as e:
        am.parse_mean_arm(spec, "A", form)
    assert e.value.field == field and words in str(e.value) and e.value.exit_code == 2
    assert "--" not in str(e.value)  # fields, never flags


def test_sums_tolerate_rounding_but_not_inconsistency():
    arm = am.arm_from_sums("A", 4, 4.0, 4.0 - 1e-13)  # all ones, rounded
    assert arm.sd == 0 and arm.mean == 1


def test_visitor_files_csv_parquet_and_streams(tmp_path):
    rng = np.random.default_rng(1)
    frame = pl.DataFrame(
        {
            "arm": ["B", "A"] * 300,
            "value": _revenue(rng, 600, 0.3),
            "converted": [True, False] * 300,
        }
    )
    csv = tmp_path / "v.csv"
    frame.write_csv(csv)
    parquet = tmp_path / "v.parquet"
    frame.write_parquet(parquet)
    c1, v1 = am.read_visitor_file(csv)
    assert c1.name == "B" and [v.name for v in v1] == ["A"]  # first row's arm is the control
    c2, v2 = am.read_visitor_file(parquet, control="A")
    assert c2.name == "A" and c2.buyers == 0 and v2[0].buyers == 300
    c3, _ = am.read_visitor_file(io.BytesIO(csv.read_bytes()), control="A")
    assert (c3.n, c3.mean, c3.sd) == pytest.approx((c2.n, c2.mean, c2.sd))
    a_vals = frame.filter(pl.col("arm") == "A")["value"].to_numpy()
    assert c2.mean == pytest.approx(a_vals.mean()) and c2.sd == pytest.approx(a_vals.std(ddof=1))


def test_visitor_file_problems(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("variant,value\nA,1\nB,2\n")
    with pytest.raises(UsageError) as e:
        am.read_visitor_file(p)
    assert e.value.field == "arm" and e.value.file == str(p) and "no 'arm' column" in str(e.value)
    p.write_text("arm,value\nA,1\nA,2\nB,3\nB,abc\n")
    with pytest.raises(DataError) as e:
        am.read_visitor_file(p)
    assert (e.value.row, e.value.column) == (5, "value")
    p.write_text("arm,value\nA,1\nA,2\nB,3\n")
    with pytest.raises(UsageError) as e:
        am.read_visitor_file(p)
    assert e.value.field == "n"
    p.write_text("arm,value\nA,1\nA,2\n")
    with pytest.raises(UsageError, match="1 arm"):
        am.read_visitor_file(p)
    p.write_text("arm,value,converted\nA,1,1\nA,2,maybe\nB,3,0\nB,3,0\n")
    with pytest.raises(DataError) as e:
        am.read_visitor_file(p)
    assert (e.value.row, e.value.column) == (3, "converted")
    with pytest.raises(UsageError, match="no arm 'Z'"):
        am.read_visitor_file(io.BytesIO(b"arm,value\nA,1\nA,2\nB,1\nB,2\n"), control="Z")


# ----------------------------------------------------------------------------------------
# priors for conversions


def test_beta_prior_parsing():
    p = pr.parse_beta_prior("4%±1%")
    assert p.mean == pytest.approx(0.04) and p.sd == pytest.approx(0.01)
    assert pr.parse_beta_prior("0.04+-0.01") == p
    assert pr.parse_beta_prior("4,96") == pr.BetaPrior(4, 96)
    for bad in ("4", "0,1", "4%±30%", "x,2", "150%±1%"):
        with pytest.raises(UsageError) as e:
            pr.parse_beta_prior(bad)
        assert e.value.field == "prior"


def test_beta_prior_figures_match_quadrature():
    c, v = abtest.Arm("A", 1200, 50), abtest.Arm("B", 1150, 62)
    prior = pr.parse_beta_prior("4%±1%")
    res = pr.analyze_with_prior(c, [v], prior).as_dict()
    (a1, b1), (a2, b2) = [
        (x.conversions + prior.a, x.visitors - x.conversions + prior.b) for x in (c, v)
    ]
    ref = integrate.quad(
        lambda x: stats.beta.pdf(x, a1, b1) * stats.beta.sf(x, a2, b2), 0, 0.2, limit=200
    )[0]
    got = res["variants"][0]
    assert got["prob_beat_control"] == pytest.approx(ref, abs=1e-8)
    assert res["prior"]["kind"] == "beta" and res["prior"]["a"] == pytest.approx(prior.a)
    flat = abtest.analyze(c, [v]).as_dict()["variants"][0]
    assert got["p_value"] == flat["p_value"] and got["ci_abs"] == flat["ci_abs"]
    # the quadrature path agrees with abtest's exact figures on the flat prior's posteriors
    # the grid (standard library) against scipy quadrature, fractional parameters
    for x, y in (((51.3, 1151.2), (63.0, 1089.5)), ((63.0, 1089.5), (51.3, 1151.2))):
        assert pr.expected_loss_beta(x, y) == pytest.approx(
            pr.expected_loss_beta_quad(x, y), abs=1e-10
        )
    params = [(51.3, 1151.2), (63.0, 1089.5), (58.5, 1100.0)]
    assert pr.prob_best_beta(params) == pytest.approx(pr.prob_best_beta_quad(params), abs=1e-8)
    loss_v, loss_c = abtest.expected_loss(c, v)
    assert pr.expected_loss_beta((51, 1151), (63, 1089)) == pytest.approx(loss_v, abs=1e-12)
    assert pr.expected_loss_beta((63, 1089), (51, 1151)) == pytest.approx(loss_c, abs=1e-12)
    assert pr.prob_greater_beta(51.0, 1151.0, 63.0, 1089.5) == pytest.approx(
        integrate.quad(
            lambda x: stats.beta.pdf(x, 51, 1151) * stats.beta.sf(x, 63, 1089.5), 0, 0.2, limit=200
        )[0],
        abs=1e-8,
    )
    three = pr.analyze_with_prior(c, [v, abtest.Arm("C", 1100, 45)], prior).as_dict()
    assert sum(three["prob_best"].values()) == pytest.approx(1.0)
    assert pr.analyze_with_prior(c, [v], pr.FLAT).as_dict()["variants"][0] == flat


# ----------------------------------------------------------------------------------------
# sequential


def test_boundary_is_the_normal_mixture_of_howard_et_al():
    """Independent transcription of the conjugate-mixture margin (confseq's
    std_conjmix_margin) with GrowthBook's rho for N* = 5,000."""
    alpha = 0.05
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / 5000
    for t in (10, 1000, 5000, 123_456):
        margin = math.sqrt(
            2 * (t * rho2 + 1) * math.log(math.sqrt(t * rho2 + 1) / alpha) / (t**2 * rho2)
        )
        assert seq.half_width(1.0 / math.sqrt(t), t, alpha) == pytest.approx(margin, rel=1e-12)
    # tightest near the tuning parameter, relative to the fixed z
    ratio = [seq.boundary_z(t, alpha) * math.sqrt(t) for t in (1000, 5000, 25_000)]
    assert seq.boundary_z(5000, alpha, 5000) < seq.boundary_z(5000, alpha, 500)
    assert ratio[0] < ratio[1] < ratio[2]


def test_always_valid_p_agrees_with_the_confidence_sequence():
    for alpha in (0.01, 0.05, 0.1):
        for z in np.linspace(0, 6, 61):
            for n in (50, 5000, 10**6):
                look = seq.Look(diff=z * 0.1, se=0.1, n_total=n)
                one = seq.sequential_look(look, alpha)
                excluded = not (one["ci_abs"][0] <= 0 <= one["ci_abs"][1])
                if abs(abs(z) - one["z_boundary"]) > 1e-9:
                    assert (one["p_value"] < alpha) == excluded


def _daily_rejections(rng, sims, days, per_day, rate, alpha):
    """Share of A/A experiments (no true difference) ever called significant in daily looks,
    by the fixed-horizon z-test and by the sequential test."""
    conv = rng.binomial(per_day, rate, size=(2, sims, days)).cumsum(axis=2)
    n = per_day * np.arange(1, days + 1)
    p = conv / n
    se = np.sqrt(p[0] * (1 - p[0]) / n + p[1] * (1 - p[1]) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p[1] - p[0]) / se, 0.0)
    fixed = (np.abs(z) > stats.norm.ppf(1 - alpha / 2)).any(axis=1).mean()
    crit = np.array([seq.boundary_z(2 * k, alpha) for k in n])
    sequential = (np.abs(z) > crit).any(axis=1).mean()
    return fixed, sequential


def test_sequential_keeps_type_one_error_under_daily_looks():
    rng = np.random.default_rng(16)
    fixed, sequential = _daily_rejections(rng, 4000, 30, 300, 0.05, 0.05)
    noise = 3 * math.sqrt(0.05 * 0.95 / 4000)
    assert sequential <= 0.05 + noise
    assert fixed > 0.05 + 3 * noise  # peeking a fixed test inflates it (about 4x here)


def test_sequential_results_for_conversions_and_means():
    c, v = abtest.Arm("A", 5000, 250), abtest.Arm("B", 5000, 310)
    fixed = abtest.analyze(c, [v]).as_dict()["variants"][0]
    s = seq.make_sequential(abtest.analyze(c, [v]), 0.05).as_dict()
    got = s["variants"][0]
    assert s["mode"] == "sequential" and s["tuning"] == 5000
    assert got["ci_abs"][0] < fixed["ci_abs"][0] and got["ci_abs"][1] > fixed["ci_abs"][1]
    assert got["p_value"] > fixed["p_value"]
    look = seq.proportion_look(5000, 250, 5000, 310)
    assert got["p_value"] == pytest.approx(seq.always_valid_p(look.diff / look.se, 10_000, 0.05))
    m = am.analyze_means(
        am.make_mean_arm("A", 3000, 2.0, 6.0),
        [am.make_mean_arm("B", 3000, 2.6, 6.0)],
        sequential=True,
    ).as_dict()
    mf = am.analyze_means(
        am.make_mean_arm("A", 3000, 2.0, 6.0), [am.make_mean_arm("B", 3000, 2.6, 6.0)]
    )
    assert m["mode"] == "sequential" and mf.mode == "fixed"
    assert m["variants"][0]["p_value"] > mf.variants[0].p_value
    series = seq.sequential_series(
        [seq.proportion_look(k * 500, k * 25, k * 500, k * 30) for k in range(1, 11)]
    )
    assert [r["p_value_running"] for r in series] == sorted(
        [r["p_value_running"] for r in series], reverse=True
    )
    for prev, cur in itertools.pairwise(series):
        assert cur["ci_abs_running"][0] >= prev["ci_abs_running"][0]
        assert cur["ci_abs_running"][1] <= prev["ci_abs_running"][1]
    with pytest.raises(UsageError) as e:
        seq.sequential_look(look, 0.05, tuning=0)
    assert e.value.field == "tuning"


# ----------------------------------------------------------------------------------------
# power and sample size


@pytest.mark.parametrize(
    "effect,alpha,power", [(0.2, 0.05, 0.8), (0.05, 0.01, 0.9), (1.0, 0.1, 0.5)]
)
def test_sample_size_for_means_matches_statsmodels(effect, alpha, power):
    ref = TTestIndPower()
    n = ap.solve_n_means(effect, alpha, power)
    assert ref.power(effect_size=effect, nobs1=n, alpha=alpha) == pytest.approx(power, abs=TOL)
    for m in (n / 2, n, 2 * n):
        assert ap.t_power(m, effect, alpha) == pytest.approx(
            ref.power(effect_size=effect, nobs1=m, alpha=alpha), abs=TOL
        )
    assert n == pytest.approx(
        ref.solve_power(effect_size=effect, alpha=alpha, power=power), rel=1e-6
    )
    res = ap.sample_size_means(10.0, 30.0, effect * 30.0, alpha=alpha, power=power, daily=500)
    assert res["per_arm"] == math.ceil(n) and res["days"] == math.ceil(2 * math.ceil(n) / 500)
    rel = ap.sample_size_means(10.0, 30.0, 0.1, relative=True)
    assert rel["mde_abs"] == pytest.approx(1.0) and rel["effect_size"] == pytest.approx(1 / 30)


def test_power_so_far_matches_statsmodels_normal_power():
    for n_c, n_v in ((500, 500), (800, 400)):
        got = ap.power_so_far(sd_c=6.0, sd_v=6.0, n_c=n_c, n_v=n_v, effect=1.0, days_run=5)
        ref = NormalIndPower().power(effect_size=1 / 6, nobs1=n_c, alpha=0.05, ratio=n_v / n_c)
        assert got["power_reached"] == pytest.approx(ref, abs=TOL)
        needed = got["visitors_needed"]
        scale = needed / (n_c + n_v)
        at = NormalIndPower().power(
            effect_size=1 / 6, nobs1=n_c * scale, alpha=0.05, ratio=n_v / n_c
        )
        assert at == pytest.approx(0.8, abs=1e-3)
        assert got["days_left"] == math.ceil((needed - n_c - n_v) / ((n_c + n_v) / 5))
    s = ap.power_so_far(
        sd_c=6.0, sd_v=6.0, n_c=500, n_v=500, effect=1.0, daily=200, sequential=True
    )
    f = ap.power_so_far(sd_c=6.0, sd_v=6.0, n_c=500, n_v=500, effect=1.0, daily=200)
    assert s["visitors_needed"] > f["visitors_needed"] and s["days_left"] > f["days_left"]
    done = ap.power_so_far(sd_c=1.0, sd_v=1.0, n_c=5000, n_v=5000, effect=1.0, daily=10)
    assert done["days_left"] == 0 and done["power_reached"] > 0.999
    assert ap.power_so_far(sd_c=1.0, sd_v=1.0, n_c=50, n_v=50, effect=0.1)["days_left"] is None
    with pytest.raises(UsageError) as e:
        ap.sample_size_means(1.0, -1.0, 0.1)
    assert e.value.field == "sd"


# ----------------------------------------------------------------------------------------
# results over time


def test_timeline_is_cumulative_and_its_band_always_valid():
    from kptui.engine.ab_timeline import DayCount, first_significant_day, timeline

    rng = np.random.default_rng(4)
    days = []
    for d in range(1, 22):
        day = f"2026-11-{d:02d}"
        days.append(DayCount(day, "A", 400, int(rng.binomial(400, 0.05))))
        days.append(DayCount(day, "B", 400, int(rng.binomial(400, 0.07))))
    days.append(DayCount("2026-11-03", "Z", 10, 1))  # not an arm of this experiment: ignored
    series = timeline(reversed(days), ["A", "B"])  # order of the records does not matter
    points = series["B"]
    assert [p.day for p in points] == sorted({d.day for d in days if d.arm != "Z"})
    last = points[-1]
    conv_a = sum(d.conversions for d in days if d.arm == "A")
    conv_b = sum(d.conversions for d in days if d.arm == "B")
    assert last.visitors_control == 400 * 21 and last.rate_variant == conv_b / (400 * 21)
    whole = seq.proportion_look(8400, conv_a, 8400, conv_b)
    assert last.cs_abs == pytest.approx(seq.sequential_look(whole, 0.05)["ci_abs"])
    z = stats.norm.ppf(0.975)
    assert last.ci_abs == pytest.approx((whole.diff - z * whole.se, whole.diff + z * whole.se))
    ps = [p.p_value for p in points]
    assert ps == sorted(ps, reverse=True)  # running minimum
    first = first_significant_day(points)
    assert all(not p.significant for p in points if p.day < (first or "9"))
    for p in points:  # the always-valid band is wider than the single-look interval
        assert p.cs_abs[0] <= p.ci_abs[0] and p.cs_abs[1] >= p.ci_abs[1]

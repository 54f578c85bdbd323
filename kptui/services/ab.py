"""A/B tests as one job for both front ends: `kptui ab test` / `ab size` and the A/B pane.

`run_test` takes what a person typed (arm specs, or a per-visitor file) and returns the
JSON-ready report, so the CLI's `--json`, its human output and the pane all show the same
numbers. The conversion path (the default) stays standard library only: scipy is imported
only for mean metrics, a non-whole-number prior, or a sample size for means.

Report shape: the conversion test's keys (SPEC 3) plus "metric" ("conversion", "mean",
"revenue"), "mode" ("fixed" or "sequential", with "tuning"), "prior" (what the Bayesian
figures assumed) and, per variant, "power" (power so far and days left; see
`kptui.engine.ab_power.power_so_far`). For means each arm has n / mean / sd in place of
visitors / conversions / rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

FLAT_MEAN_PRIOR = {"kind": "flat"}


def run_test(
    *,
    metric: str = "conversion",
    control: str | None = None,
    variants: Sequence[str] = (),
    input: str | Path | IO[bytes] | None = None,
    input_name: str | None = None,
    summary: str = "sums",
    alpha: float = 0.05,
    split: str | Sequence[float] | None = None,
    prior: str | None = None,
    cap_pct: float | None = None,
    bootstrap: int | None = None,
    seed: int = 0,
    sequential: bool = False,
    tuning: float = 5_000,
    mde: float | None = None,
    relative: bool = False,
    power: float = 0.8,
    daily: float | None = None,
    days: float | None = None,
) -> dict[str, Any]:
    """The whole report of one experiment (see the module docstring)."""
    from kptui.engine import abtest
    from kptui.engine.ab_fields import bad

    alpha = abtest.check_alpha(alpha)
    if metric not in ("conversion", "mean", "revenue"):
        raise bad(f"{{field}} must be conversion, mean or revenue, got {metric!r}", "metric")
    if input is not None and variants:
        raise bad("give the arms as variants or as {field}, not both", "input")
    if metric == "conversion":
        for value, name in ((input, "input"), (cap_pct, "cap_pct"), (bootstrap, "bootstrap")):
            if value is not None:
                raise bad("{field} needs a mean metric (metric mean or revenue)", name)
        report = _conversion(control, variants, alpha, split, prior, sequential, tuning)
        arms = [report["control"], *report["variants"]]
        sds = [math.sqrt(a["rate"] * (1 - a["rate"])) for a in arms]
        sizes = [a["visitors"] for a in arms]
        base = report["control"]["rate"]
    else:
        report = _means(
            metric, control, variants, input, input_name, summary, alpha, split, prior,
            cap_pct, bootstrap, seed, sequential, tuning,
        )  # fmt: skip
        arms = [report["control"], *report["variants"]]
        sds = [a["sd"] for a in arms]
        sizes = [a["n"] for a in arms]
        base = report["control"]["mean"]
    for v, sd_v, n_v in zip(report["variants"], sds[1:], sizes[1:], strict=True):
        v["power"] = _power(
            v, base, sds[0], sd_v, sizes[0], n_v, alpha, mde, relative, power, daily, days,
            sequential, tuning, len(report["variants"]),
        )  # fmt: skip
    return report


def _conversion(control, variants, alpha, split, prior, sequential, tuning) -> dict[str, Any]:
    from kptui.engine import abtest
    from kptui.engine.ab_fields import bad

    if control is None:
        raise bad("give the control arm as {field}", "control")
    arm_c, arms_v = abtest.parse_arms(control, list(variants))
    shares = abtest.parse_split(split, 1 + len(arms_v)) if split is not None else None
    if prior is not None:
        from kptui.engine import ab_priors

        res: Any = ab_priors.analyze_with_prior(
            arm_c, arms_v, ab_priors.parse_beta_prior(prior), alpha=alpha, split=shares
        )
        prior_json = res.prior.to_json()
    else:
        res = abtest.analyze(arm_c, arms_v, alpha=alpha, split=shares)
        prior_json = {"kind": "beta", "a": 1.0, "b": 1.0, "mean": 0.5, "sd": math.sqrt(1 / 12)}
        prior_json["flat"] = True
    if sequential:
        from kptui.engine import ab_sequential

        res = ab_sequential.make_sequential(res, alpha, tuning)
    out = res.as_dict()
    out.setdefault("mode", "fixed")
    out["prior"] = prior_json
    return {"metric": "conversion", **out}


def _means(
    metric, control, variants, source, input_name, summary, alpha, split, prior, cap_pct,
    bootstrap, seed, sequential, tuning,
) -> dict[str, Any]:  # fmt: skip
    from kptui.engine import ab_means
    from kptui.engine.ab_means import bad

    if source is not None:
        arm_c, arms_v = ab_means.read_visitor_file(source, name=input_name, control=control)
    else:
        if control is None or not variants:
            raise bad("give the control and at least one variant, or {field} FILE", "input")
        arm_c, arms_v = ab_means.parse_mean_arms(control, list(variants), summary)
    res = ab_means.analyze_means(
        arm_c,
        arms_v,
        metric=metric,
        alpha=alpha,
        split=split,
        prior=ab_means.parse_normal_prior(prior) if prior is not None else None,
        cap_pct=cap_pct,
        bootstrap=bootstrap,
        seed=seed,
        sequential=sequential,
        tuning=tuning,
    )
    out = res.as_dict()
    if out["prior"] is None:
        out["prior"] = dict(FLAT_MEAN_PRIOR)
    if not sequential:
        out.pop("tuning", None)
    return out


def _power(
    v, base, sd_c, sd_v, n_c, n_v, alpha, mde, relative, power, daily, days, sequential,
    tuning, comparisons,
) -> dict[str, Any]:  # fmt: skip
    """Power so far for the MDE (absolute, or relative to the control with `relative`), else
    for the lift observed so far."""
    from kptui.engine.ab_power import power_so_far

    if mde is None:
        effect, source = v["lift_abs"], "observed"
    else:
        effect, source = (mde * base if relative else mde), "mde"
    out = power_so_far(
        sd_c=sd_c,
        sd_v=sd_v,
        n_c=n_c,
        n_v=n_v,
        effect=effect,
        alpha=alpha,
        power=power,
        daily=daily,
        days_run=days,
        sequential=sequential,
        tuning=tuning,
        comparisons=comparisons,
    )
    return {**out, "effect_source": source}


def size_means(
    *,
    baseline: float | None = None,
    sd: float | None = None,
    input: str | Path | IO[bytes] | None = None,
    input_name: str | None = None,
    mde: float,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    arms: int = 2,
    daily: float | None = None,
) -> dict[str, Any]:
    """Visitors per arm for a mean metric, from a baseline mean and SD or from a file of
    per-visitor values (its mean and SD; given values override the file's)."""
    from kptui.engine import ab_means, ab_power
    from kptui.engine.ab_means import bad

    history = None
    if input is not None:
        history = ab_means.read_values(input, name=input_name)
        baseline = history.mean if baseline is None else baseline
        sd = history.sd if sd is None else sd
    if baseline is None or sd is None:
        missing = "baseline" if baseline is None else "sd"
        raise bad("give {field} (or a per-visitor file to take it from)", missing)
    out = ab_power.sample_size_means(
        baseline, sd, mde, relative=relative, alpha=alpha, power=power, arms=arms, daily=daily
    )
    if history is not None:
        out["history_n"] = history.n
    return out


def experiment_timeline(workspace: str | None, experiment_id: int) -> dict[str, Any]:
    """An experiment's results day by day, read from the workspace (see `timeline_for`)."""
    from kptui.store import Workspace

    with Workspace.open(workspace, timeout=5.0) as ws:
        exp = ws.get_experiment(experiment_id)
        days = ws.daily(experiment_id)
    return timeline_for(exp, days)


def timeline_for(exp: Any, days: Sequence[Any]) -> dict[str, Any]:
    """The stored daily counts and, per variant, the cumulative lift with its single-look
    interval, its always-valid band and p-value (`kptui.engine.ab_timeline`), plus the first
    day the sequential test calls it. "points" holds the dataclasses for the panes' charts."""
    from kptui.engine.ab_timeline import DayCount, first_significant_day, timeline, timeline_json

    names = [a.name for a in exp.arms]
    series = timeline(
        [DayCount(d.day, d.arm, d.visitors, d.conversions) for d in days],
        names,
        alpha=exp.alpha,
    )
    return {
        "experiment": exp.id,
        "alpha": exp.alpha,
        "arms": names,
        "daily": [d.to_json() for d in days],
        "timeline": timeline_json(series),
        "first_significant_day": {n: first_significant_day(p) for n, p in series.items()},
        "points": series,
    }

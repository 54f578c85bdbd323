"""`kptui ab test` and `kptui ab size`: a verdict for an experiment, and how long to run one.

Only typer at module level; the maths (kptui.engine.abtest) and the output
(kptui.cli.output.ab, .ab_report) are standard library only, so this command starts in about
the time Python and typer take (see bench/bench_ab_startup.py).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kptui.engine.abtest import MAX_ARMS

ab_app = typer.Typer(
    name="ab",
    help="A/B tests of conversion rates: a verdict with its uncertainty, and sample sizes.",
    no_args_is_help=True,
    add_completion=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(ab_app, name="ab")


_SIZE_HELP = (
    "Visitors needed per arm to detect a change in conversion rate, and how many days.\n\n"
    "Uses the standard two-sided formula with the pooled rate under the null hypothesis, "
    "rounded up: the numbers R's power.prop.test gives. Evan Miller's online calculator uses "
    "a slightly different variance and shows somewhat smaller numbers.\n\n"
    "With --arms above 2 each variant is tested against the control at alpha / (arms - 1). "
    "Give --visitors instead of --mde for the reverse: the smallest change that many visitors "
    "per arm can detect."
)
_TEST_HELP = (
    "Verdict for an experiment: rates, lifts with intervals, z-test (Holm across variants), "
    "chance to beat the control and to be best, expected loss, sample-ratio check.\n\n"
    "Bayesian figures use Beta(1, 1) priors and are exact (Evan Miller's closed form)."
)


@ab_app.command("test", help=_TEST_HELP)
def test_cmd(
    control: Annotated[
        str | None,
        typer.Option(
            "--control",
            help="Control arm: [NAME=]VISITORS:CONVERSIONS, e.g. A=1000:80 (name: A); for a "
            "mean, [NAME=]N:SUM:SUMSQ[:BUYERS] or with --summary mean-sd N:MEAN:SD[:BUYERS]; "
            "with --input, the control arm's name (default: the first row's arm).",
            show_default=False,
        ),
    ] = None,
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            help="A variant, in the same form as --control; repeat for more (names: B, C...; "
            f"at most {MAX_ARMS} arms, control included).",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            help="conversion (VISITORS:CONVERSIONS), mean (watch time...) or revenue "
            "(revenue per visitor, split into conversion x revenue per buyer).",
        ),
    ] = "conversion",
    summary: Annotated[
        str,
        typer.Option("--summary", help="Mean arms as sums (N:SUM:SUMSQ) or mean-sd (N:MEAN:SD)."),
    ] = "sums",
    input_file: Annotated[
        str | None,
        typer.Option(
            "--input",
            help="Per-visitor CSV or Parquet file (columns arm, value[, converted]); - for "
            "stdin. Needs --metric mean or revenue.",
            show_default=False,
        ),
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level (two-sided).")] = 0.05,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Intended traffic split, control first, e.g. 50,50 or 20,40,40 "
            "(for the sample-ratio check; default: equal).",
        ),
    ] = None,
    sequential: Annotated[
        bool,
        typer.Option(
            "--sequential",
            help="Always-valid p-values and confidence sequences: the verdict stays valid "
            "however often you look.",
        ),
    ] = False,
    tuning: Annotated[
        float,
        typer.Option(
            "--tuning",
            help="Sequential mode: total visitors at which the boundary is tightest "
            "(GrowthBook's default).",
        ),
    ] = 5000,
    prior: Annotated[
        str | None,
        typer.Option(
            "--prior",
            help="Prior for the Bayesian figures: conversions A,B (Beta) or MEAN±SD, e.g. "
            "4%±1%; means MEAN±SD per arm, e.g. 2.5±1. Default: flat.",
            show_default=False,
        ),
    ] = None,
    cap_pct: Annotated[
        float | None,
        typer.Option(
            "--cap-pct",
            help="Cap values at this percentile of all visitors, e.g. 99.9 (needs --input).",
            show_default=False,
        ),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            "--bootstrap",
            help="Also a percentile bootstrap interval with N resamples (needs --input).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    mde: Annotated[
        float | None,
        typer.Option(
            "--mde",
            help="Effect for the power so far: absolute, or with --relative relative to the "
            "control (default: the lift seen so far).",
            show_default=False,
        ),
    ] = None,
    relative: Annotated[bool, typer.Option("--relative", help="--mde is relative.")] = False,
    power: Annotated[float, typer.Option("--power", help="Power to reach (days left).")] = 0.8,
    daily: Annotated[
        float | None,
        typer.Option(
            "--daily", help="Visitors a day, all arms (for days left).", show_default=False
        ),
    ] = None,
    days: Annotated[
        float | None,
        typer.Option(
            "--days",
            help="Days the test has run so far (daily traffic = visitors / days).",
            show_default=False,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="Unit shown before amounts (default: ¥ for revenue, none for a mean)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
) -> None:
    """Human output: verdict sentence, table, expected loss, mode, power; --json: SPEC 3."""
    from kptui.services.ab import run_test

    source, name = None, None
    if input_file is not None:
        source, name = _source(input_file)
    rep = run_test(
        metric=metric,
        control=control,
        variants=variant or [],
        input=source,
        input_name=name,
        summary=summary,
        alpha=alpha,
        split=split,
        prior=prior,
        cap_pct=cap_pct,
        bootstrap=bootstrap,
        seed=seed,
        sequential=sequential,
        tuning=tuning,
        mde=mde,
        relative=relative,
        power=power,
        daily=daily,
        days=days,
    )
    if as_json:
        from kptui.cli.output import print_json

        print_json(rep)
        return
    from kptui.cli.output import ab_report
    from kptui.cli.output.ab import render_test

    if rep["metric"] == "conversion":
        render_test(_namespace(rep), note=False)
        ab_report.render_conversion_extras(rep)
    else:
        shown = ("¥" if rep["metric"] == "revenue" else "") if unit is None else unit
        ab_report.render_mean_test(rep, clean_unit(shown))


def clean_unit(unit: str) -> str:
    from kptui.cli.output import clean_line

    return clean_line(unit)[:8]


def _source(path: str):
    """`-` is stdin (read whole, as bytes); anything else a path."""
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    return path, path


def _namespace(rep: dict):
    """The report dict with attribute access for `render_test` (which also renders stored
    experiments' results); inner dicts (prob_best, expected_loss) stay dicts."""
    from types import SimpleNamespace

    def arm(d: dict) -> SimpleNamespace:
        return SimpleNamespace(**d)

    return SimpleNamespace(
        **{
            **rep,
            "control": arm(rep["control"]),
            "variants": [arm(v) for v in rep["variants"]],
        }
    )


@ab_app.command("size", help=_SIZE_HELP)
def size_cmd(
    baseline: Annotated[
        float | None,
        typer.Option(
            "--baseline",
            help="Current conversion rate, e.g. 0.08; with --metric mean or revenue, the current "
            "mean per visitor.",
            show_default=False,
        ),
    ] = None,
    metric: Annotated[
        str, typer.Option("--metric", help="conversion, or mean / revenue (needs --sd or --input).")
    ] = "conversion",
    sd: Annotated[
        float | None,
        typer.Option("--sd", help="SD per visitor of a mean metric.", show_default=False),
    ] = None,
    input_file: Annotated[
        str | None,
        typer.Option(
            "--input",
            help="Per-visitor CSV or Parquet file with a value column: baseline and SD from it "
            "(- for stdin).",
            show_default=False,
        ),
    ] = None,
    mde: Annotated[
        float | None,
        typer.Option(
            "--mde",
            help="Smallest change worth detecting: absolute (0.01 = one point) or, with "
            "--relative, relative (0.1 = +10%). Negative for a drop.",
            show_default=False,
        ),
    ] = None,
    relative: Annotated[bool, typer.Option("--relative", help="--mde is relative.")] = False,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level (two-sided).")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Chance to detect the effect.")] = 0.8,
    arms: Annotated[
        int, typer.Option("--arms", help=f"Arms including the control (2 to {MAX_ARMS}).")
    ] = 2,
    daily: Annotated[
        int | None,
        typer.Option("--daily", help="Total visitors a day, split evenly across the arms."),
    ] = None,
    visitors: Annotated[
        int | None,
        typer.Option(
            "--visitors", help="Visitors per arm: report the smallest detectable change instead."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text (for scripts and jq).")
    ] = False,
) -> None:
    from kptui.engine import abtest
    from kptui.errors import UsageError

    if metric != "conversion":
        _size_means(
            metric, baseline, sd, input_file, mde, relative, alpha, power, arms, daily, visitors,
            as_json,
        )  # fmt: skip
        return
    for given, flag in ((sd, "--sd"), (input_file, "--input")):
        if given is not None:
            raise UsageError(f"{flag} goes with --metric mean or revenue")
    if baseline is None:
        raise UsageError("give --baseline, the current conversion rate, e.g. 0.08")
    if (mde is None) == (visitors is None):
        raise UsageError("give either --mde (how many visitors?) or --visitors (what effect?)")
    if visitors is not None:
        if relative:
            raise UsageError("--relative goes with --mde, not with --visitors")
        res = abtest.detectable_effect(
            baseline, visitors, alpha=alpha, power=power, arms=arms, daily=daily
        )
    else:
        res = abtest.sample_size(
            baseline, mde, relative=relative, alpha=alpha, power=power, arms=arms, daily=daily
        )
    if as_json:
        from kptui.cli.output import print_json

        print_json(res)
        return
    from kptui.cli.output.ab import render_size

    render_size(res, reverse=visitors is not None)


def _size_means(
    metric, baseline, sd, input_file, mde, relative, alpha, power, arms, daily, visitors, as_json
) -> None:  # fmt: skip
    from kptui.errors import UsageError
    from kptui.services.ab import size_means

    if metric not in ("mean", "revenue"):
        raise UsageError(f"--metric must be conversion, mean or revenue, got {metric!r}")
    if visitors is not None:
        raise UsageError("--visitors goes with a conversion rate; give --mde for a mean metric")
    if mde is None:
        raise UsageError("give --mde, the smallest change in the mean worth detecting")
    source, name = _source(input_file) if input_file is not None else (None, None)
    res = size_means(
        baseline=baseline,
        sd=sd,
        input=source,
        input_name=name,
        mde=mde,
        relative=relative,
        alpha=alpha,
        power=power,
        arms=arms,
        daily=daily,
    )
    res["metric"] = metric
    if as_json:
        from kptui.cli.output import print_json

        print_json(res)
        return
    from kptui.cli.output.ab_report import render_size_means

    render_size_means(res, "¥" if metric == "revenue" else "")

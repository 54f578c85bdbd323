"""`kptui ab test` and `kptui ab size`: a verdict for an experiment, and how long to run one.

Only typer at module level; the maths (kptui.engine.abtest) and the output (`_Screen`) are
standard library only, so this command starts in about the time Python and typer take (see
bench/bench_ab_startup.py).
"""

from __future__ import annotations

import math
import sys
from typing import Annotated

import typer

ab_app = typer.Typer(
    name="ab",
    help="A/B tests of conversion rates: a verdict with its uncertainty, and sample sizes.",
    no_args_is_help=True,
    add_completion=False,
)

_PEEKING = (
    "note: looking at results again and again and stopping at the first p < {alpha:g} "
    "inflates false positives; fix the sample size in advance (kptui ab size)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(ab_app, name="ab")


# ----------------------------------------------------------------------------------------
# formatting


def _decimals(ci: tuple[float, float] | None) -> int | None:
    """Decimals (of a percentage) that show an interval's width with about two digits:
    8.0% at 1,000 visitors, 10.000% at 10^8."""
    if ci is None or ci[1] <= ci[0]:
        return None
    width = (ci[1] - ci[0]) * 100
    return max(1, min(6, math.ceil(-math.log10(width)) + 1))


def _pct(x: float | None, signed: bool = False, decimals: int | None = None) -> str:
    """A rate as a percentage; digits from `decimals`, else ones that matter at its scale."""
    if x is None:
        return "not computable"
    v = x * 100
    sign = "+" if signed else ""
    if decimals is not None:
        return f"{v:{sign}.{decimals}f}%"
    if v == 0:
        return "0%"
    if abs(v) >= 10:
        return f"{v:{sign}.1f}%"
    if abs(v) >= 0.1:
        return f"{v:{sign}.2f}%"
    return f"{v:{sign}.3g}%"


def _points(x: float, signed: bool = False) -> str:
    """Absolute rate differences in percentage points."""
    v = x * 100
    sign = "+" if signed else ""
    if v == 0:
        return "0 pp"
    if abs(v) < 0.001:
        return f"{v:{sign}.1e} pp"
    if abs(v) < 0.1:
        return f"{v:{sign}.2g} pp"
    return f"{v:{sign}.2f} pp"


def _count(n: int) -> str:
    """Exact below ten million, then 4 significant digits (the JSON keeps every digit)."""
    return f"{n:,}" if n < 10_000_000 else f"{n / 1e6:,.4g}M"


def _p(p: float | None) -> str:
    if p is None:
        return "not computable"
    if p < 0.001:
        return "< 0.001"
    if p < 0.1:
        return f"= {p:.2g}"
    return f"= {p:.2f}"


def _p_cell(p: float | None) -> str:
    return _p(p).removeprefix("= ").replace("< ", "<")


def _chance(p: float) -> str:
    if p >= 0.999:
        return ">99.9%"
    if p <= 0.001:
        return "<0.1%"
    if 0.01 <= p <= 0.99:
        return f"{p:.0%}"
    return f"{p:.1%}"


def _interval(ci: tuple[float, float] | None, fmt, sep: str) -> str:
    """`6.47-9.85%` for rates, `-10.1 to +60.1%` for lifts: one unit sign, fits a cell."""
    if ci is None:
        return "not computable"
    lo, hi = fmt(ci[0]), fmt(ci[1])
    unit = " pp" if lo.endswith(" pp") else "%"
    if lo.endswith(unit) and hi.endswith(unit):
        lo = lo[: -len(unit)]
    return f"{lo}{sep}{hi}"


def _lift(v) -> str:
    if v.lift_rel is not None:
        return f"{_pct(v.lift_rel, True, _decimals(v.ci_rel))} relative"
    return f"{_points(v.lift_abs, signed=True)} (relative lift not computable on a 0% control)"


def _verdict(res) -> str:
    """The one sentence a reader needs first, e.g. "B beats A: +12.0% relative, p = 0.031,
    97% chance to be better"."""
    c = res.control.name
    multi = len(res.variants) > 1
    plabel = "adjusted p" if multi else "p"

    def line(v, head: str, needs: bool = False) -> str:
        bar = f" (needs < {res.alpha:g})" if needs else ""
        return (
            f"{head}: {_lift(v)}, {plabel} {_p(v.p_value_adjusted)}{bar}, "
            f"{_chance(v.prob_beat_control)} chance to be better than {c}"
        )

    testable = [v for v in res.variants if v.p_value is not None]
    if not testable:
        both = "0%" if res.control.conversions == 0 else "100%"
        return f"Not computable: every arm converts at {both}, so there is no difference to test."
    winners = sorted(
        (v for v in testable if v.significant and v.lift_abs > 0),
        key=lambda v: -res.prob_best[v.name],
    )
    if winners:
        out = line(winners[0], f"{winners[0].name} beats {c}")
        if len(winners) > 1:
            out += f"; {', '.join(v.name for v in winners[1:])} also beat {c}"
        return out
    losers = [v for v in testable if v.significant]
    if not multi and losers:
        return line(losers[0], f"{losers[0].name} is worse than {c}")
    best = max(testable, key=lambda v: res.prob_best[v.name])
    out = line(best, f"No clear winner yet: {best.name} vs {c}", needs=True)
    if losers:
        out += f"; worse than {c}: {', '.join(v.name for v in losers)}"
    return out


class _Screen:
    """Plain-text output sized to the terminal, with a touch of ANSI style on a terminal.

    Why not rich: importing rich.console costs ~15-20 ms, which alone would push
    `kptui ab test` past its 150 ms start-up budget (typer itself takes ~110 ms here). The
    table has no colours anyway, so a small renderer gives the same picture. Untrusted text
    (arm names) goes through `clean_line`: no control bytes, and nothing is markup here.
    """

    def __init__(self) -> None:
        import os
        import shutil

        self.width = max(30, shutil.get_terminal_size((80, 24)).columns)
        self.styled = (
            sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb"
        )
        try:
            "─".encode(sys.stdout.encoding or "ascii")
            self.rule = "─"
        except (UnicodeEncodeError, LookupError):
            self.rule = "-"

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.styled else text

    def para(self, text: str, indent: str = "", lead: tuple[str, str] | None = None) -> None:
        """Print wrapped to the terminal; `lead` = (leading word, ANSI code) to style it."""
        out = "\n".join(_wrap(text, self.width, indent))
        if lead and out.startswith(lead[0]):
            out = self.style(lead[0], lead[1]) + out[len(lead[0]) :]
        print(out)

    def table(self, headers: list[str], rows: list[list[str]]) -> bool:
        """Columns of (possibly two-line) cells: the first left-aligned and folded when the
        terminal is narrow, the others right-aligned. False if it cannot fit at all."""
        cols = len(headers)
        widths = [
            max(_cells(line) for cell in [h, *(r[i] for r in rows)] for line in cell.split("\n"))
            for i, h in enumerate(headers)
        ]
        for gap in (2, 1):  # tighter columns before giving up
            others = sum(widths[1:]) + gap * (cols - 1)
            if widths[0] + others <= self.width:
                break
            if self.width - others >= 6:
                widths[0] = self.width - others
                break
        else:
            return False

        def emit(cells: list[str], bottom: bool) -> None:
            parts = [c.split("\n") for c in cells]
            parts[0] = [piece for line in parts[0] for piece in _wrap(line, widths[0])]
            height = max(len(p) for p in parts)
            for k in range(height):
                out = []
                for i, p in enumerate(parts):
                    pad = height - len(p) if bottom else 0
                    text = p[k - pad] if 0 <= k - pad < len(p) else ""
                    fill = " " * (widths[i] - _cells(text))
                    out.append(text + fill if i == 0 else fill + text)
                print((" " * gap).join(out).rstrip())

        emit(headers, bottom=True)
        print(self.rule * (sum(widths) + gap * (cols - 1)))
        for row in rows:
            emit(row, bottom=False)
        return True


def _cells(text: str) -> int:
    """Terminal columns of a string: CJK wide characters take two, combining marks none."""
    import unicodedata

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Greedy word wrap by terminal cells (CJK counts double); runs without spaces, as
    Chinese titles are, are folded by character."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _cells(candidate) <= width or not line.strip():
            line = candidate
        else:
            lines.append(line)
            line = indent + word
        while _cells(line) > width:
            cut = 1
            while cut < len(line) and _cells(line[: cut + 1]) <= width:
                cut += 1
            lines.append(line[:cut])
            line = indent + line[cut:]
    return [*lines, line]


def _render_test(res, note: bool = True) -> None:
    """The conversion test as a verdict, a table and its loss lines; `note` adds the
    fixed-horizon peeking note (`kptui ab test` prints its mode line instead)."""
    from kptui.cli.output import clean_line

    scr = _Screen()
    c = clean_line(res.control.name)
    short = c if _cells(c) <= 4 else None
    scr.para(clean_line(_verdict(res)))
    conf = f"{(1 - res.alpha) * 100:.4g}"
    multi = len(res.variants) > 1
    headers = [
        "arm",
        "visitors",
        "conv.",
        f"rate\n{conf}% CI",
        f"lift vs {short}\n{conf}% CI" if short else f"lift\n{conf}% CI",
        "p adj." if multi else "p",
        f"P(>{short})" if short else "P(beat)",
    ] + (["P(best)"] if multi else [])

    def rate_cell(arm) -> str:
        d = _decimals(arm.rate_ci)
        ci = _interval(arm.rate_ci, lambda x: _pct(x, False, d), "-")
        return f"{_pct(arm.rate, False, d)}\n{ci}"

    def lift_cell(v) -> str:
        if v.lift_rel is not None:
            d = _decimals(v.ci_rel)
            ci = _interval(v.ci_rel, lambda x: _pct(x, True, d), " to ")
            return f"{_pct(v.lift_rel, True, d)}\n{ci}"
        ci = _interval(v.ci_abs, lambda x: _points(x, True), " to ")
        return f"{_points(v.lift_abs, True)}\n{ci}"

    ctrl = res.control
    rows = [[c, _count(ctrl.visitors), _count(ctrl.conversions), rate_cell(ctrl)]]
    rows[0] += ["control", "", ""] + ([_chance(res.prob_best[ctrl.name])] if multi else [])
    for v in res.variants:
        row = [clean_line(v.name), _count(v.visitors), _count(v.conversions), rate_cell(v)]
        row += [lift_cell(v), _p_cell(v.p_value_adjusted), _chance(v.prob_beat_control)]
        rows.append(row + ([_chance(res.prob_best[v.name])] if multi else []))

    if not scr.table(headers, rows):
        # too narrow for columns (a phone over SSH): one wrapped paragraph per arm
        for row, arm in zip(rows, [ctrl, *res.variants], strict=True):
            rate, ci = row[3].split("\n")
            text = f"{row[0]}: {row[1]} visitors, {row[2]} conversions, rate {rate} ({ci})"
            if arm is not ctrl:
                lift, lift_ci = row[4].split("\n")
                text += f"; lift {lift} ({lift_ci}), {headers[5]} {row[5]}, {headers[6]} {row[6]}"
            if multi:
                text += f", P(best) {row[-1]}"
            scr.para(text, indent="  ")
    for v in res.variants:
        loss = v.expected_loss
        scr.para(
            clean_line(
                f"Expected loss if you ship {v.name}: {_points(loss['choose_variant'])}; "
                f"if you keep {res.control.name}: {_points(loss['choose_control'])}"
            )
        )
    for w in res.warnings:
        scr.para("warning: " + clean_line(w), lead=("warning:", "1;33"))
    if note:
        scr.para(_PEEKING.format(alpha=res.alpha))


# ----------------------------------------------------------------------------------------
# commands


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
            help="A variant, in the same form as --control; repeat for more (names: B, C...).",
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (SPEC section 3).")] = False,
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
    from kptui.cli import ab_report

    if rep["metric"] == "conversion":
        _render_test(_namespace(rep), note=False)
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
    """The report dict with attribute access for `_render_test` (which also renders stored
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
    arms: Annotated[int, typer.Option("--arms", help="Arms including the control.")] = 2,
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (SPEC section 3).")] = False,
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
    _render_size(res, reverse=visitors is not None)


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
    from kptui.cli.ab_report import render_size_means

    render_size_means(res, "¥" if metric == "revenue" else "")


def _render_size(res: dict, reverse: bool) -> None:
    scr = _Screen()
    base = res["baseline"]
    how = f"with {res['power']:.0%} power at alpha = {res['alpha']:g} (two-sided)"
    if reverse:
        if res["target"] is None:
            scr.para(
                f"With {res['per_arm']:,} visitors per arm no increase from {_pct(base)} can be "
                f"detected {how}."
            )
        else:
            rel = "" if res["mde_rel"] is None else f", {_pct(res['mde_rel'], True)} relative"
            scr.para(
                f"With {res['per_arm']:,} visitors per arm you can detect {_pct(base)} -> "
                f"{_pct(res['target'])} ({_points(res['mde_abs'], True)}{rel}) {how}."
            )
    else:
        rel = "" if res["mde_rel"] is None else f", {_pct(res['mde_rel'], True)} relative"
        scr.para(
            f"To detect {_pct(base)} -> {_pct(res['target'])} ({_points(res['mde_abs'], True)}"
            f"{rel}) {how}: {res['per_arm']:,} visitors per arm, {res['total']:,} in total."
        )
    if res["arms"] > 2:
        scr.para(
            f"{res['arms'] - 1} variants, each tested against the control at alpha = "
            f"{res['alpha_per_comparison']:.3g}."
        )
    if res["days"] is not None:
        scr.para(
            f"At {res['daily']:,} visitors a day split over {res['arms']} arms: "
            f"{res['days']:,} day{'s' if res['days'] != 1 else ''} "
            "(run whole weeks to cover weekday swings)."
        )

"""`kptui ab test` and `kptui ab size`: a verdict for an experiment, and how long to run one.

Only typer at module level; the maths (kptui.engine.abtest) is standard library only, so this
command starts in about the time Python and typer take (see bench/bench_ab_startup.py).
"""

from __future__ import annotations

import math
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


def _render_test(res) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from kptui.cli.output import clean_line, console, safe

    out = console()
    c = res.control.name
    short = clean_line(c) if len(c) <= 4 else None  # headers are Text below: never markup
    out.print(safe(_verdict(res)))
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

    ctrl = res.control
    rows = [[ctrl.name, _count(ctrl.visitors), _count(ctrl.conversions), rate_cell(ctrl)]]
    rows[0] += ["control", "", ""] + ([_chance(res.prob_best[ctrl.name])] if multi else [])
    for v in res.variants:
        if v.lift_rel is not None:
            d = _decimals(v.ci_rel)
            ci = _interval(v.ci_rel, lambda x, d=d: _pct(x, True, d), " to ")
            lift = f"{_pct(v.lift_rel, True, d)}\n{ci}"
        else:
            ci = _interval(v.ci_abs, lambda x: _points(x, True), " to ")
            lift = f"{_points(v.lift_abs, True)}\n{ci}"
        row = [v.name, _count(v.visitors), _count(v.conversions), rate_cell(v), lift]
        row += [_p_cell(v.p_value_adjusted), _chance(v.prob_beat_control)]
        rows.append(row + ([_chance(res.prob_best[v.name])] if multi else []))

    # Rich shrinks every column in proportion when a table is too wide, which breaks short
    # headers mid-word. Keep number columns at least as wide as their header (and the two
    # interval columns whole) when that fits, and let the arm name fold instead.
    def width(text: str) -> int:
        return max(len(line) for line in text.split("\n"))

    gaps = 2 * (len(headers) - 1)  # box divider + collapsed padding between columns
    natural = [max(width(h), *(width(r[i]) for r in rows)) for i, h in enumerate(headers)]
    firm = [width(h) for h in headers]
    firm[3], firm[4] = natural[3], natural[4]
    keep = sum(natural) + gaps > out.width and 6 + sum(firm[1:]) + gaps <= out.width
    table = Table(
        box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True, pad_edge=False,
        show_edge=False,
    )  # fmt: skip
    spare = out.width - gaps - sum(firm[1:])
    table.add_column(Text(headers[0]), overflow="fold", max_width=max(6, min(12, spare)))
    for i, h in enumerate(headers[1:], start=1):
        # folded rather than cut to an ellipsis: digits are never lost
        min_width = firm[i] if keep else None
        table.add_column(Text(h), justify="right", overflow="fold", min_width=min_width)
    for row in rows:
        table.add_row(*(safe(row[0]) if i == 0 else Text(cell) for i, cell in enumerate(row)))
    out.print(table)
    for v in res.variants:
        loss = v.expected_loss
        out.print(
            safe(
                f"Expected loss if you ship {v.name}: {_points(loss['choose_variant'])}; "
                f"if you keep {c}: {_points(loss['choose_control'])}"
            )
        )
    for w in res.warnings:
        out.print(Text("warning: ", style="bold yellow") + safe(w))
    out.print(Text(_PEEKING.format(alpha=res.alpha), style="dim"))


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
        str,
        typer.Option(
            "--control",
            help="Control arm as [NAME=]VISITORS:CONVERSIONS, e.g. A=1000:80 (name: A).",
            show_default=False,
        ),
    ],
    variant: Annotated[
        list[str],
        typer.Option(
            "--variant",
            help="A variant as [NAME=]VISITORS:CONVERSIONS; repeat for more (names: B, C...).",
            show_default=False,
        ),
    ],
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level (two-sided).")] = 0.05,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Intended traffic split, control first, e.g. 50,50 or 20,40,40 "
            "(for the sample-ratio check; default: equal).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (SPEC section 3).")] = False,
) -> None:
    """Human output: verdict sentence, table, expected loss, warnings; --json: SPEC 3."""
    from kptui.engine import abtest

    alpha = abtest.check_alpha(alpha)
    arm_c, arms_v = abtest.parse_arms(control, variant)
    shares = abtest.parse_split(split, 1 + len(arms_v)) if split is not None else None
    res = abtest.analyze(arm_c, arms_v, alpha=alpha, split=shares)
    if as_json:
        from kptui.cli.output import print_json

        print_json(res.as_dict())
        return
    _render_test(res)


@ab_app.command("size", help=_SIZE_HELP)
def size_cmd(
    baseline: Annotated[
        float,
        typer.Option("--baseline", help="Current conversion rate, e.g. 0.08.", show_default=False),
    ],
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


class _Lines:
    """Plain sentences wrapped to the terminal: `ab size` has no table, so it skips rich
    (about 13 ms of imports) and stays as quick as the JSON path."""

    def __init__(self) -> None:
        import shutil

        self.width = max(40, shutil.get_terminal_size((80, 24)).columns)

    def print(self, text: str) -> None:
        import textwrap

        print(textwrap.fill(text, self.width, break_on_hyphens=False))


def _render_size(res: dict, reverse: bool) -> None:
    out = _Lines()
    base = res["baseline"]
    how = f"with {res['power']:.0%} power at alpha = {res['alpha']:g} (two-sided)"
    if reverse:
        if res["target"] is None:
            out.print(
                f"With {res['per_arm']:,} visitors per arm no increase from {_pct(base)} can be "
                f"detected {how}."
            )
        else:
            rel = "" if res["mde_rel"] is None else f", {_pct(res['mde_rel'], True)} relative"
            out.print(
                f"With {res['per_arm']:,} visitors per arm you can detect {_pct(base)} -> "
                f"{_pct(res['target'])} ({_points(res['mde_abs'], True)}{rel}) {how}."
            )
    else:
        rel = "" if res["mde_rel"] is None else f", {_pct(res['mde_rel'], True)} relative"
        out.print(
            f"To detect {_pct(base)} -> {_pct(res['target'])} ({_points(res['mde_abs'], True)}"
            f"{rel}) {how}: {res['per_arm']:,} visitors per arm, {res['total']:,} in total."
        )
    if res["arms"] > 2:
        out.print(
            f"{res['arms'] - 1} variants, each tested against the control at alpha = "
            f"{res['alpha_per_comparison']:.3g}."
        )
    if res["days"] is not None:
        out.print(
            f"At {res['daily']:,} visitors a day split over {res['arms']} arms: "
            f"{res['days']:,} day{'s' if res['days'] != 1 else ''} "
            "(run whole weeks to cover weekday swings)."
        )

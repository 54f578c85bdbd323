"""How `kptui ab` shows a conversion verdict and a sample size: plain text sized to the
terminal, standard library only (the `kptui ab` fast path: see `_Screen`). The helpers here
(`_pct`, `_Screen`...) are shared with `kptui.cli.output.ab_report`, which renders the mean,
sequential and prior reports. Untrusted text (arm names) goes through `clean_line`.
"""

from __future__ import annotations

import math
import sys

from kptui.cli.output import clean_line
from kptui.services.ab_words import _p, _pct  # the number words the app shows too

_PEEKING = (
    "note: looking at results again and again and stopping at the first p < {alpha:g} "
    "inflates false positives; fix the sample size in advance (kptui ab size)."
)


def _decimals(ci: tuple[float, float] | None) -> int | None:
    """Decimals (of a percentage) that show an interval's width with about two digits:
    8.0% at 1,000 visitors, 10.000% at 10^8."""
    if ci is None or ci[1] <= ci[0]:
        return None
    width = (ci[1] - ci[0]) * 100
    return max(1, min(6, math.ceil(-math.log10(width)) + 1))


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
    97% chance to be better"; the winner is the engine's rule (`abtest.winners`)."""
    from kptui.engine import abtest

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
    winners = abtest.winners(res)
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


def render_test(res, note: bool = True) -> None:
    """The conversion test as a verdict, a table and its loss lines; `note` adds the
    fixed-horizon peeking note (`kptui ab test` prints its mode line instead). Also what
    `kptui plan experiment show` prints for a stored experiment."""
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
            # the arm notation of `plan experiment list` and the app (kptui.words.arm_words)
            text = f"{row[0]}: {row[2]} / {row[1]} converted, rate {rate} ({ci})"
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


def render_size(res: dict, reverse: bool) -> None:
    """`kptui ab size` for a conversion rate: visitors per arm, or the detectable change."""
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

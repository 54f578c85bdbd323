"""The words of an A/B report for a mean metric, shared by `kptui ab test` and the A/B pane:
one verdict sentence ("B earns ¥1.20 more per visitor than A (95% CI ¥0.10 to ¥2.30), p =
0.03; under daily checking this is significant"), amounts and intervals. Plain text only;
each front end styles it. Arm names are data: front ends clean them before showing."""

from __future__ import annotations

import math
from typing import Any

Report = dict[str, Any]


def _pct(x: float | None, signed: bool = False, decimals: int | None = None) -> str:
    """A rate as a percentage; digits from `decimals`, else ones that matter at its scale.
    (Also the CLI's: kptui.cli.output.ab uses these number words.)"""
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


def _p(p: float | None) -> str:
    if p is None:
        return "not computable"
    if p < 0.001:
        return "< 0.001"
    if p < 0.1:
        return f"= {p:.2g}"
    return f"= {p:.2f}"


def money(x: float | None, unit: str = "", signed: bool = False, digits: int | None = None) -> str:
    """¥1.20, -¥0.50, +¥2.30; without a unit 1.2, -0.5 (3 significant digits below 1)."""
    if x is None:
        return "not computable"
    sign = "-" if x < 0 else "+" if signed and x > 0 else ""
    a = abs(x)
    if digits is None:
        digits = 2 if a >= 0.1 or a == 0 else max(2, min(6, 1 - math.floor(math.log10(a)) + 1))
    body = f"{a:,.{digits}f}"
    return f"{sign}{unit}{body}"


def _digits(ci: list[float] | None) -> int | None:
    """Decimals that show an interval's width with about two digits (at least 2)."""
    if ci is None or ci[1] <= ci[0]:
        return None
    return max(2, min(6, math.ceil(-math.log10(ci[1] - ci[0])) + 1))


def _span(ci: list[float] | None, unit: str, digits: int | None = None) -> str:
    if ci is None:
        return "not computable"
    return f"{money(ci[0], unit, digits=digits)} to {money(ci[1], unit, digits=digits)}"


def _rel_span(ci: list[float] | None) -> str:
    if ci is None:
        return "not computable"
    return f"{_pct(ci[0], True)} to {_pct(ci[1], True)}"


def _what(metric: str) -> str:
    return "revenue per visitor" if metric == "revenue" else "mean"


def _conf(alpha: float) -> str:
    return f"{(1 - alpha) * 100:.4g}%"


def _mode_words(rep: Report, significant: bool) -> str:
    if rep["mode"] == "sequential":
        return (
            "under daily checking this is significant"
            if significant
            else "under daily checking this is not significant yet"
        )
    return (
        "significant if this is the planned end of the test"
        if significant
        else "not significant at the planned sample"
    )


def mean_verdict(rep: Report, unit: str) -> str:
    """One sentence per the issue: "B earns ¥1.20 more per visitor (95% CI ¥0.10 to ¥2.30);
    under daily checking this is significant"."""
    c = rep["control"]["name"]
    conf = _conf(rep["alpha"])
    multi = len(rep["variants"]) > 1
    testable = [v for v in rep["variants"] if v["p_value"] is not None]
    if not testable:
        return "Not computable: no arm varies (every SD is 0), so there is nothing to test."
    sig = [v for v in testable if v["significant"]]
    up = sorted((v for v in sig if v["lift_abs"] > 0), key=lambda v: -rep["prob_best"][v["name"]])
    pick = up[0] if up else (sig[0] if sig and not multi else None)
    if pick is None:
        pick = max(testable, key=lambda v: rep["prob_best"][v["name"]])
    d = _digits(pick["ci_abs"])
    amount = money(abs(pick["lift_abs"]), unit, digits=d)
    more = "more" if pick["lift_abs"] >= 0 else "less"
    if rep["metric"] == "revenue":
        claim = f"{pick['name']} earns {amount} {more} per visitor than {c}"
    else:
        higher = "higher" if pick["lift_abs"] >= 0 else "lower"
        claim = f"{pick['name']}'s mean is {amount} {higher} than {c}'s"
    kind = "always-valid CI" if rep["mode"] == "sequential" else "CI"
    ci = f"({conf} {kind} {_span(pick['ci_abs'], unit, d)})"
    plabel = "adjusted p" if multi else "p"
    p = f"{plabel} {_p(pick['p_value_adjusted'])}"
    head = "" if pick["significant"] else "No clear winner yet: "
    out = f"{head}{claim} {ci}, {p}; {_mode_words(rep, pick['significant'])}"
    if up and len(up) > 1:
        out += f"; {', '.join(v['name'] for v in up[1:])} also beat {c}"
    return out

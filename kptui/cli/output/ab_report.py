"""Human output of `kptui ab test` beyond a fixed conversion test: mean metrics (revenue per
visitor), the sequential mode, priors, power so far and days left; and `ab size` for means.

Everything renders the report dict of `kptui.services.ab` (the same numbers `--json`
prints). Words matter as much as numbers here: P(beat) is said to be a posterior chance, not
1 - p; the expected loss is said to be an average shortfall; the mode says whether the
verdict may be read on any day. Standard library only, like `kptui.cli.output.ab`.
"""

from __future__ import annotations

from typing import Any

from kptui.cli.output import clean_line
from kptui.cli.output.ab import _chance, _count, _p_cell, _pct, _Screen
from kptui.services.ab_words import _conf, _digits, _rel_span, _span, mean_verdict, money

Report = dict[str, Any]


def render_mean_test(rep: Report, unit: str) -> None:
    scr = _Screen()
    c = clean_line(rep["control"]["name"])
    conf = _conf(rep["alpha"])
    multi = len(rep["variants"]) > 1
    scr.para(clean_line(mean_verdict(rep, unit)))
    short = c if len(c) <= 4 else None
    what = "rev./visitor" if rep["metric"] == "revenue" else "mean"
    headers = [
        "arm",
        "visitors",
        f"{what}\n{conf} CI",
        f"lift vs {short}\n{conf} CI" if short else f"lift\n{conf} CI",
        "p adj." if multi else "p",
        f"P(>{short})" if short else "P(beat)",
    ]

    def mean_cell(a: dict) -> str:
        d = _digits(a["mean_ci"])
        return f"{money(a['mean'], unit, digits=d)}\n{_span(a['mean_ci'], unit, d)}"

    def lift_cell(v: dict) -> str:
        if v["lift_rel"] is not None:
            return f"{_pct(v['lift_rel'], True)}\n{_rel_span(v['ci_rel'])}"
        d = _digits(v["ci_abs"])
        return f"{money(v['lift_abs'], unit, True, d)}\n{_span(v['ci_abs'], unit, d)}"

    ctrl = rep["control"]
    rows = [[c, _count(ctrl["n"]), mean_cell(ctrl), "control", "", ""]]
    for v in rep["variants"]:
        rows.append(
            [
                clean_line(v["name"]),
                _count(v["n"]),
                mean_cell(v),
                lift_cell(v),
                _p_cell(v["p_value_adjusted"]),
                _chance(v["prob_beat_control"]),
            ]
        )
    if not scr.table(headers, rows):
        for row in rows:
            scr.para("; ".join(x.replace("\n", " ") for x in row if x), indent="  ")
    for v in rep["variants"]:
        d = _digits(v["ci_abs"])
        scr.para(
            clean_line(
                f"{v['name']} - {ctrl['name']}: {money(v['lift_abs'], unit, True, d)} per visitor "
                f"({conf} CI {_span(v['ci_abs'], unit, d)}; Welch t = {v['t']:.2f}, "
                f"df = {v['df']:.0f})"
                if v["t"] is not None
                else f"{v['name']} - {ctrl['name']}: no variation to test"
            ),
            indent="  ",
        )
    if rep["metric"] == "revenue":
        _render_parts(scr, rep, unit)
    if rep.get("cap"):
        cap = rep["cap"]
        scr.para(
            f"Values capped at the {cap['pct']:g}th percentile of all visitors, "
            f"{money(cap['value'], unit)} ({cap['capped']:,} visitor"
            f"{'s' if cap['capped'] != 1 else ''} capped); every figure above uses the capped "
            "values."
        )
    if rep.get("bootstrap"):
        b = rep["bootstrap"]
        for v in rep["variants"]:
            bi = v["bootstrap"] or {}
            scr.para(
                clean_line(
                    f"Bootstrap {conf} interval ({b['resamples']:,} resamples, seed {b['seed']}) "
                    f"for {v['name']} - {ctrl['name']}: {_span(bi.get('ci_abs'), unit)}; "
                    f"relative {_rel_span(bi.get('ci_rel'))}"
                )
            )
    _render_bayes(scr, rep, lambda x: money(x, unit) + " per visitor")
    render_common(scr, rep, lambda x: money(x, unit, True))


def _render_parts(scr: _Screen, rep: Report, unit: str) -> None:
    arms = [rep["control"], *rep["variants"]]
    if any(a.get("conversion_rate") is None for a in arms):
        scr.para(
            "Revenue per visitor = conversion x revenue per buyer: give a `converted` column "
            "or BUYERS (N:SUM:SUMSQ:BUYERS) to see the two parts."
        )
        return
    pieces = []
    for a in arms:
        rpb = money(a["revenue_per_buyer"], unit) if a["revenue_per_buyer"] is not None else "-"
        pieces.append(
            f"{a['name']} {_pct(a['conversion_rate'])} x {rpb} = {money(a['mean'], unit)}"
        )
    line = "Revenue per visitor = conversion x revenue per buyer: " + "; ".join(pieces)
    for v in rep["variants"]:
        parts = v.get("parts") or {}
        conv, per = parts.get("conversion_lift_rel"), parts.get("revenue_per_buyer_lift_rel")
        line += (
            f". {v['name']} vs {rep['control']['name']}: conversion "
            f"{_pct(conv, True)}, revenue per buyer {_pct(per, True)}"
        )
    scr.para(clean_line(line))


def _render_bayes(scr: _Screen, rep: Report, loss_fmt) -> None:
    c = rep["control"]["name"]
    for v in rep["variants"]:
        loss = v["expected_loss"]
        scr.para(
            clean_line(
                f"Expected loss if you ship {v['name']}: {loss_fmt(loss['choose_variant'])}; "
                f"if you keep {c}: {loss_fmt(loss['choose_control'])} (average shortfall, "
                "counting 0 where your choice is the better one)"
            )
        )
    scr.para(
        f"P(beat {clean_line(c)}) is the chance, given this data and {prior_words(rep)}, that "
        "the variant's true value is above the control's. It is not 1 - p, and it says nothing "
        "about how large the difference is."
    )


def prior_words(rep: Report) -> str:
    prior = rep.get("prior") or {}
    kind = prior.get("kind")
    if kind == "flat" or prior.get("flat"):
        return "a flat prior (no belief beforehand)"
    if kind == "beta":
        return (
            f"the prior Beta({prior['a']:.4g}, {prior['b']:.4g}) on each arm's rate "
            f"(mean {_pct(prior['mean'])}, sd {_pct(prior['sd'])})"
        )
    if kind == "normal":
        return f"the normal prior {prior['mean']:g} ± {prior['sd']:g} on each arm's mean"
    return "the prior"


def render_common(scr: _Screen, rep: Report, effect_fmt) -> None:
    """Mode, power so far and days left, warnings: the lines every metric shares."""
    if rep["mode"] == "sequential":
        scr.para(
            f"Mode: sequential (confidence sequences, tuning {rep['tuning']:,.0f} visitors): "
            "intervals and p-values stay valid however often you look and whenever you stop."
        )
    else:
        scr.para(
            f"Mode: fixed horizon. Looking again and again and stopping at the first "
            f"p < {rep['alpha']:g} inflates false positives; fix the sample size in advance "
            "(kptui ab size) or use --sequential to check every day."
        )
    for v in rep["variants"]:
        pw = v.get("power")
        if not pw:
            continue
        what = "the lift seen so far" if pw["effect_source"] == "observed" else "the MDE"
        text = (
            f"Power so far for {v['name']}: {_share(pw['power_reached'])} to detect "
            f"{effect_fmt(pw['effect'])} ({what})"
        )
        if pw["visitors_needed"] is None:
            text += "; not reachable" if pw["effect"] != 0 else "; no effect to detect"
        elif pw["visitors_needed"] <= pw["visitors_so_far"]:
            text += f"; {_share(pw['power_target'])} power is reached"
        else:
            more = pw["visitors_needed"] - pw["visitors_so_far"]
            text += f"; {_share(pw['power_target'])} needs about {more:,} more visitors"
            if pw["days_left"] is not None:
                text += (
                    f", {pw['days_left']:,} more day{'s' if pw['days_left'] != 1 else ''} at "
                    f"{pw['daily']:,.0f} a day"
                )
            else:
                text += " (give --daily or --days for days left)"
        scr.para(clean_line(text))
    for w in rep["warnings"]:
        scr.para("warning: " + clean_line(w), lead=("warning:", "1;33"))


def _share(x: float) -> str:
    return "<1%" if x < 0.01 else ">99%" if x > 0.99 else f"{x:.0%}"


def render_conversion_extras(rep: Report) -> None:
    """After the conversion table: P(beat) words, prior, mode, power, days left."""
    from kptui.cli.output.ab import _points

    scr = _Screen()
    c = clean_line(rep["control"]["name"])
    scr.para(
        f"P(beat {c}) is the chance, given this data and {prior_words(rep)}, that the "
        "variant's true rate is above the control's. It is not 1 - p, and it says nothing "
        "about how large the difference is."
    )
    render_common(scr, {**rep, "warnings": []}, lambda x: _points(x, True))


def render_size_means(res: dict, unit: str) -> None:
    scr = _Screen()
    how = f"with {res['power']:.0%} power at alpha = {res['alpha']:g} (two-sided, Welch/t)"
    rel = "" if res["mde_rel"] is None else f", {_pct(res['mde_rel'], True)} relative"
    src = (
        f" (mean and SD of {res['history_n']:,} visitors in the file)" if "history_n" in res else ""
    )
    scr.para(
        f"To detect {money(res['baseline'], unit)} -> {money(res['target'], unit)} per visitor "
        f"({money(res['mde_abs'], unit, True)}{rel}; SD {money(res['sd'], unit)}{src}) {how}: "
        f"{res['per_arm']:,} visitors per arm, {res['total']:,} in total."
    )
    if res["arms"] > 2:
        scr.para(
            f"{res['arms'] - 1} variants, each tested against the control at alpha = "
            f"{res['alpha_per_comparison']:.3g}."
        )
    if res["days"] is not None:
        scr.para(
            f"At {res['daily']:,.0f} visitors a day split over {res['arms']} arms: "
            f"{res['days']:,} day{'s' if res['days'] != 1 else ''} "
            "(run whole weeks to cover weekday swings)."
        )

"""`kptui insights` for a person: one compact table per section, "needs ..." where the data
lacks what a section needs. Every data string (titles, tags) goes through `safe()`."""

from __future__ import annotations

from typing import Any

from kptui.words import counted


def show(result: dict[str, Any], sections: list[str]) -> None:
    from rich.text import Text

    from kptui.cli import output

    con = output.console()
    printers = {
        "outliers": _outliers,
        "when": _when,
        "funnel": _funnel,
        "trends": _trends,
        "tags": _tags,
    }
    for i, name in enumerate(sections):
        part = result[name]
        if i:
            con.print()
        con.print(Text(_TITLES[name], style="bold"))
        if part["status"] != "ok":
            con.print(Text(f"needs {part['needs']}", style="yellow"))
            continue
        printers[name](con, part)


_TITLES = {
    "outliers": "Outliers against your own baseline",
    "when": "When to post",
    "funnel": "Funnel",
    "trends": "Trends",
    "tags": "Tags that work for you",
}


def _table(*columns: tuple[str, str]) -> Any:
    """A borderless table; the first column (titles, tags from data) is cut with an ellipsis."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
    for i, (name, justify) in enumerate(columns):
        extra: dict[str, Any] = {"no_wrap": True}
        if i == 0:
            extra.update(overflow="ellipsis", max_width=34)
        table.add_column(name, justify=justify, **extra)  # type: ignore[arg-type]
    return table


def _ci(ci: list[float] | None, fmt: str = "{:.2f}") -> str:
    return "" if not ci else f"{fmt.format(ci[0])}-{fmt.format(ci[1])}"


def _outliers(con: Any, part: dict[str, Any]) -> None:
    from kptui.cli import output

    base = part["baseline"]
    how = "nearest in publish order" if base["by_publish_order"] else "all others"
    fmt = ", same format" if base["by_format"] else ""
    con.print(
        f"{part['metric']} against the median of {base['window']} comparable videos "
        f"({how}{fmt}); {part['scored']:,} videos scored, {part['over_count']:,} at "
        f"{part['thresholds']['over']:g}x or more, {part['under_count']:,} at "
        f"{part['thresholds']['under']:g}x or less"
    )
    for key, label in (("over", "over-performers"), ("under", "under-performers")):
        rows = part[key]
        if not rows:
            con.print(f"no {label}")
            continue
        table = _table(
            (label, "left"),
            ("x", "right"),
            (part["metric"], "right"),
            ("baseline", "right"),
            ("n", "right"),
            ("published", "left"),
        )
        for v in rows:
            table.add_row(
                output.safe(_short(v["title"] or v["video_id"], 40)),
                f"{v['multiple']:.2f}x",
                f"{v['value']:,.0f}",
                f"{v['baseline']:,.0f}",
                str(v["n"]),
                (v["published_at"] or "")[:10],
            )
        con.print(table)
        shared = part["common"][key]
        if shared:
            con.print(_common_line(shared))


def _common_line(shared: dict[str, Any]) -> Any:
    from rich.text import Text

    line = Text("  in common: ", style="dim")
    bits = []
    for t in shared.get("tags") or []:
        bits.append(f"#{t['tag']} {t['count']}/{shared['n']} (channel {t['share_all']:.0%})")
    d = shared.get("duration_s")
    if d and d.get("median") is not None and d.get("median_all") is not None:
        bits.append(f"median length {d['median']:.0f}s (channel {d['median_all']:.0f}s)")
    h = shared.get("hour")
    if h:
        bits.append(f"{h['count']}/{h['n']} posted at {h['hour']}h")
    from kptui.cli.output import clean_line

    line.append(clean_line("; ".join(bits) or "nothing shared"))
    return line


def _when(con: Any, part: dict[str, Any]) -> None:
    from rich.text import Text

    rec = part.get("recommendation")
    if rec:
        con.print(Text("post: ", style="bold").append(rec["text"]))
    else:
        con.print(Text(f"no recommendation yet: needs {part['recommendation_needs']}", "yellow"))
    basis = (rec or {}).get("basis", "weekday x time")
    tier = {"time of day": part.get("by_time"), "weekday": part.get("by_weekday")}
    ranked = sorted(
        (c for c in tier.get(basis) or part["cells"] if not c["thin"]), key=lambda c: -c["median"]
    )[:8]
    if ranked:
        table = _table(
            ("slot", "left"), ("posts", "right"), ("median", "right"), ("95% interval", "right")
        )
        for c in ranked:
            table.add_row(
                _slot(c, part["block_hours"]), str(c["n"]), f"{c['median']:.2f}x", _ci(c["ci"])
            )
        con.print(table)
    thin = sum(1 for c in part["cells"] if c["thin"])
    if thin:
        con.print(
            Text(
                f"{counted(thin, 'slot')} with fewer than {part['min_posts']} posts not ranked",
                style="dim",
            )
        )
    aud = part.get("audience")
    if aud:
        who = "followers" if aud["source"] == "follower_activity" else "viewers' interactions"
        peaks = ", ".join(f"{h}h" for h in aud["peak_hours"])
        con.print(f"audience online ({who}, {aud['n']:,} {aud['n_unit']}): most at {peaks}")
    else:
        con.print(Text(f"audience online hours: needs {part['audience_needs']}", style="dim"))


def _slot(cell: dict[str, Any], block: int) -> str:
    day = cell["weekday_name"] or "any day"
    if block >= 24 or cell["hours"] is None:
        return day
    return f"{day} {cell['hours'][0]:02d}-{cell['hours'][1]:02d}h"


def _funnel(con: Any, part: dict[str, Any]) -> None:
    table = _table(
        ("step", "left"),
        ("total", "right"),
        ("rate", "right"),
        ("95% interval", "right"),
        ("video median", "right"),
        ("n", "right"),
    )
    steps = part["steps"]
    table.add_row(steps[0]["label"], f"{steps[0]['total']:,.0f}", "", "", "", str(steps[0]["n"]))
    for step, conv in zip(steps[1:], part["conversions"], strict=True):
        table.add_row(
            step["label"],
            f"{step['total']:,.0f}",
            _pct(conv["rate"]),
            _ci(conv["ci"], "{:.2%}") if conv["ci"] else "",
            _pct(conv["video_median"]),
            str(conv["n"]),
        )
    con.print(table)
    weak = part.get("weakest")
    if weak:
        con.print(f"weakest step: {weak['label']} ({_pct(weak['rate'])})")
    if part["missing"]:
        con.print(f"not in this export: {', '.join(part['missing'])}", style="dim")


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.2%}"


def _trends(con: Any, part: dict[str, Any]) -> None:
    table = _table(
        ("series", "left"),
        ("days", "right"),
        ("last", "right"),
        ("7d median", "right"),
        ("wow", "right"),
        ("95%", "right"),
        ("last 4 weeks", "left"),
    )
    for s in part["series"]:
        wow = s.get("wow") or {}
        change = wow.get("change")
        table.add_row(
            s["metric"] + ("+" if s["kind"] == "level" else ""),
            f"{s['days']:,}",
            f"{s['latest']:,.0f}",
            f"{s['latest_median7']:,.0f}",
            "" if change is None else f"{change:+.0%}",
            _ci(wow.get("ci"), "{:+.0%}"),
            _spark([p["value"] for p in s["values"][-28:]]),
        )
    con.print(table)
    first = min(s["first"] for s in part["series"])
    last = max(s["last"] for s in part["series"])
    con.print(
        f"{first} to {last}; wow: the last 7 days against the 7 before (+: gains of a level)",
        style="dim",
    )


def _spark(values: list[float]) -> str:
    levels = "▁▂▃▄▅▆▇█"
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi <= lo:
        return levels[0] * len(values)
    return "".join(levels[round((v - lo) / (hi - lo) * 7)] for v in values)


def _tags(con: Any, part: dict[str, Any]) -> None:
    from kptui.cli import output

    rows = part["tags"]
    con.print(
        f"{part['metric']} multiple of videos with a tag against those without "
        f"(tags on at least {part['min_uses']} videos; {part['videos']:,} videos)"
    )
    table = _table(
        ("tag", "left"),
        ("x", "right"),
        ("95% interval", "right"),
        ("with", "right"),
        ("without", "right"),
    )
    shown = rows[:8] + ([] if len(rows) <= 12 else rows[-4:])
    for i, t in enumerate(shown):
        if i == 8 and len(rows) > 12:
            table.add_row("…", "", "", "", "")
        table.add_row(
            output.safe(t["tag"]),
            f"{t['multiple']:.2f}x",
            _ci(t["ci"]),
            str(t["n_with"]),
            str(t["n_without"]),
        )
    con.print(table)


def _short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"

"""Results over time: an experiment's daily counts turned into the lift and its intervals,
day by day, as the A/B and Plan panes chart them (standard library only).

Each day's point is computed on the counts so far (cumulative), for every variant against
the control: the lift, the fixed-horizon interval (valid only for a single look), the
sequential confidence sequence (valid on every day at once), and the always-valid p-value
(running minimum). The chart shows the band narrowing as visitors come in, and the day the
sequential band leaves zero is the first day the result may be read as significant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist

from kptui.engine.ab_fields import bad
from kptui.engine.ab_sequential import (
    DEFAULT_TUNING,
    check_tuning,
    proportion_look,
    sequential_look,
)
from kptui.engine.abtest import check_alpha

_NORMAL = NormalDist()


@dataclass(frozen=True)
class DayCount:
    """What one arm got on one day (`day` is an ISO date, 'YYYY-MM-DD')."""

    day: str
    arm: str
    visitors: int
    conversions: int


@dataclass
class TimelinePoint:
    day: str
    visitors_control: int
    visitors_variant: int
    rate_control: float
    rate_variant: float
    lift_abs: float
    lift_rel: float | None
    ci_abs: tuple[float, float] | None  # fixed horizon: valid for one look only
    cs_abs: tuple[float, float] | None  # sequential: valid on every day at once
    cs_rel: tuple[float, float] | None
    p_value: float | None  # always valid, running minimum
    significant: bool


def timeline(
    days: Iterable[DayCount],
    arms: Sequence[str],
    *,
    alpha: float = 0.05,
    tuning: float = DEFAULT_TUNING,
) -> dict[str, list[TimelinePoint]]:
    """{variant name: [point per day]} for `arms` (control first) from daily counts.

    Days are taken in date order; a day on which an arm has no count adds nothing to it.
    Points start on the first day both arms have a visitor."""
    check_alpha(alpha)
    check_tuning(tuning)
    if len(arms) < 2:
        raise bad("a timeline needs a control and at least one variant", "arm")
    known = set(arms)
    per_day: dict[str, dict[str, tuple[int, int]]] = {}
    for d in days:
        if d.arm not in known:
            continue
        v, c = per_day.setdefault(d.day, {}).get(d.arm, (0, 0))
        per_day[d.day][d.arm] = (v + d.visitors, c + d.conversions)
    totals = {a: [0, 0] for a in arms}
    out: dict[str, list[TimelinePoint]] = {a: [] for a in arms[1:]}
    running = {a: 1.0 for a in arms[1:]}
    z = _NORMAL.inv_cdf(1 - alpha / 2)
    for day in sorted(per_day):
        for arm, (v, c) in per_day[day].items():
            totals[arm][0] += v
            totals[arm][1] += c
        nc, cc = totals[arms[0]]
        for name in arms[1:]:
            nv, cv = totals[name]
            if nc == 0 or nv == 0:
                continue
            look = proportion_look(nc, cc, nv, cv)
            seq = sequential_look(look, alpha, tuning)
            if seq["p_value"] is not None:
                running[name] = min(running[name], seq["p_value"])
            ci = None if look.se == 0 else (look.diff - z * look.se, look.diff + z * look.se)
            out[name].append(
                TimelinePoint(
                    day=day,
                    visitors_control=nc,
                    visitors_variant=nv,
                    rate_control=cc / nc,
                    rate_variant=cv / nv,
                    lift_abs=look.diff,
                    lift_rel=look.rel,
                    ci_abs=ci,
                    cs_abs=seq["ci_abs"],
                    cs_rel=seq["ci_rel"],
                    p_value=running[name] if seq["p_value"] is not None else None,
                    significant=running[name] < alpha,
                )
            )
    return out


def timeline_json(series: dict[str, list[TimelinePoint]]) -> dict[str, list[dict]]:
    return {name: [asdict(p) for p in points] for name, points in series.items()}


def first_significant_day(points: Sequence[TimelinePoint]) -> str | None:
    """The first day the sequential test would have called it (None if never)."""
    return next((p.day for p in points if p.significant), None)


def span(points: Sequence[TimelinePoint]) -> tuple[float, float] | None:
    """The range of every band and estimate, for a chart's axis (None without points)."""
    values = [p.lift_abs for p in points]
    for p in points:
        for band in (p.cs_abs, p.ci_abs):
            if band is not None and all(math.isfinite(x) for x in band):
                values.extend(band)
    if not values:
        return None
    return min(values), max(values)

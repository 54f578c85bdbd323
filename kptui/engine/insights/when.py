"""When to post: the creator's own publish times against how those posts did, and when the
audience is online.

Posts are put in weekday x time-of-day cells (`BLOCK` hours wide, in the time the export
gives); a cell has its count, the median multiple of its posts and a bootstrap interval of
that median. A cell with fewer than `MIN_POSTS` posts says so and is never ranked. The
audience's online hours come from follower activity (TikTok's FollowerActivity: mean active
followers per hour) or, without it, from the hours of viewers' interactions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kptui.engine.insights.baseline import NO_METRIC, Scored, baseline_needs
from kptui.engine.insights.stats import LEVEL, median_interval, present

if TYPE_CHECKING:
    import polars as pl

BLOCK = 3  # hours per cell
MIN_POSTS = 5  # fewer posts in a slot: shown, never ranked (a median of 3 is luck)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when(
    scored: Scored,
    follower_activity: pl.DataFrame | None = None,
    interactions: pl.DataFrame | None = None,
    seed: int = 0,
    min_posts: int = MIN_POSTS,
) -> dict[str, Any]:
    import polars as pl

    audience, audience_needs = audience_hours(follower_activity, interactions)
    out: dict[str, Any] = {
        "metric": scored.metric,
        "block_hours": BLOCK,
        "min_posts": min_posts,
        "level": LEVEL,
        "audience": audience,
        "audience_needs": audience_needs,
    }
    m = scored.metric
    if m is None:
        return {
            **out,
            "status": "needs",
            "needs": NO_METRIC,
        }
    frame = scored.frame.filter(
        pl.col(f"x_{m}").is_not_null() & pl.col("published_at").is_not_null()
    )
    if frame.height == 0:
        scored_any = scored.frame.get_column(f"x_{m}").drop_nulls().len() > 0
        needs = "publish times of the videos" if scored_any else baseline_needs(scored)
        return {**out, "status": "needs", "needs": needs}
    stamps = frame.get_column("published_at")
    timed = bool((stamps.dt.hour() + stamps.dt.minute() + stamps.dt.second()).max())
    block = BLOCK if timed else 24
    out["block_hours"] = block
    posts = frame.select(
        (pl.col("published_at").dt.weekday() - 1).alias("weekday"),
        (pl.col("published_at").dt.hour() // block * block).alias("start"),
        pl.col(f"x_{m}").alias("x"),
    )
    rng = np.random.default_rng(seed)
    cells = _cells(posts, ["weekday", "start"], block, min_posts, rng)
    out.update(status="ok", needs=None, posts=frame.height, timed=timed, cells=cells)
    # a small channel has few posts per weekday x slot: then the time of day alone (any
    # weekday), then the weekday alone, each said as such
    tiers = [("weekday x time", cells)]
    if timed:
        tiers.append(("time of day", _cells(posts, ["start"], block, min_posts, rng)))
    tiers.append(("weekday", _cells(posts, ["weekday"], block, min_posts, rng)))
    out["by_time"] = tiers[1][1] if timed else []
    out["by_weekday"] = tiers[-1][1]
    for basis, tier in tiers:
        # the slot whose interval's low end is highest: a sure 1.3x beats a lucky 3x
        ranked = sorted(
            (c for c in tier if not c["thin"]),
            key=lambda c: (
                -(c["ci"][0] if c["ci"] else 0.0),
                -c["median"],
                -c["n"],
                c["weekday"] if c["weekday"] is not None else -1,
            ),
        )
        if ranked:
            best = ranked[0]
            clear = bool(best["ci"] and best["ci"][0] > 1.0)
            out["recommendation"] = {
                **best,
                "basis": basis,
                "clear": clear,
                "text": _evidence(best, audience, timed, m, clear),
            }
            out["recommendation_needs"] = None
            return out
    out["recommendation"] = None
    out["recommendation_needs"] = (
        f"at least {min_posts} posts on one weekday or in one time slot "
        f"(the most in any weekday and time slot is {max(c['n'] for c in cells)})"
    )
    return out


def _cells(
    posts: pl.DataFrame, by: list[str], block: int, min_posts: int, rng: np.random.Generator
) -> list[dict[str, Any]]:
    """One cell per group of `by` (weekday and/or slot start): n, median, interval, thin."""
    import polars as pl

    groups = posts.group_by(by).agg(pl.col("x")).sort(by)
    cells = []
    for row in groups.iter_rows(named=True):
        values = np.asarray(row["x"], dtype=float)
        thin = len(values) < min_posts
        wd = row.get("weekday")
        start = row.get("start")
        cells.append(
            {
                "weekday": None if wd is None else int(wd),
                "weekday_name": None if wd is None else WEEKDAYS[wd],
                "hours": None if start is None else [int(start), int(start) + block],
                "n": len(values),
                "median": float(np.median(values)),
                "ci": None if thin else median_interval(values, rng),
                "thin": thin,
            }
        )
    return cells


def _evidence(
    cell: dict[str, Any], audience: dict[str, Any] | None, timed: bool, m: str, clear: bool
) -> str:
    slot = cell["weekday_name"] or "any day"
    if cell["hours"] is not None and timed:
        slot += f" {cell['hours'][0]:02d}-{cell['hours'][1]:02d}h"
    elif cell["weekday"] is not None and timed:
        slot += " (any time)"
    text = f"{slot}: {cell['n']} posts, median {cell['median']:.2f}x {m}"
    if cell["ci"]:
        text += f" (95% {cell['ci'][0]:.2f}-{cell['ci'][1]:.2f}x)"
    if not clear:
        text += ", not clearly above your usual"
    if audience and audience.get("peak_hours"):
        who = "followers" if audience["source"] == "follower_activity" else "viewers"
        text += f"; {who} most active " + ", ".join(f"{h}h" for h in audience["peak_hours"])
    return text


def audience_hours(
    follower_activity: pl.DataFrame | None, interactions: pl.DataFrame | None
) -> tuple[dict[str, Any] | None, str | None]:
    """(hours, None) or (None, what is needed): mean activity per hour 0-23 and the peaks."""
    import polars as pl

    if present(follower_activity, "active"):
        assert follower_activity is not None
        per_hour = (
            follower_activity.drop_nulls(["hour", "active"])
            .group_by("hour")
            .agg(pl.col("active").mean())
        )
        values = [0.0] * 24
        for hour, active in per_hour.iter_rows():
            if 0 <= int(hour) < 24:
                values[int(hour)] = float(active)
        days = (
            follower_activity.get_column("date").n_unique()
            if "date" in follower_activity.columns
            else None
        )
        return _peaks(values, "follower_activity", days, "days"), None
    if present(interactions, "ts"):
        assert interactions is not None
        hours = interactions.select(pl.col("ts").dt.hour().alias("h")).drop_nulls()
        counts = hours.group_by("h").len()
        values = [0.0] * 24
        for hour, n in counts.iter_rows():
            values[int(hour)] = float(n)
        return _peaks(values, "interactions", hours.height, "events"), None
    return None, "follower activity per hour (TikTok FollowerActivity.csv) or timed interactions"


def _peaks(values: list[float], source: str, n: int | None, unit: str) -> dict[str, Any]:
    order = sorted(range(24), key=lambda h: (-values[h], h))
    top = max(values)
    # up to three hours, each near the busiest one (a flat day has no peak worth naming)
    peaks = sorted(h for h in order[:3] if values[h] > 0 and values[h] >= 0.75 * top)
    return {"source": source, "by_hour": values, "peak_hours": peaks, "n": n, "n_unit": unit}

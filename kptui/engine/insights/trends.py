"""How the channel trends, from per-day tables: each series per day, its 7-day rolling
median, and the change of the last 7 days against the 7 before.

Channel totals are the rows with no dimension; a metric that only comes split (views per
traffic source) is summed over the keys of one dimension. Followers are a level (the
count on that day), so their week-over-week change compares the gains of the two weeks.
The interval of a week-over-week change resamples the days of each week (bootstrap,
seeded); n is the number of days in the series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kptui.engine.insights.stats import DRAWS, LEVEL, percentile_interval

if TYPE_CHECKING:
    import polars as pl

TRENDED = ("views", "followers", "follows", "revenue", "watch_hours", "profile_views", "likes")
LEVELS = frozenset({"followers"})
NEEDS = (
    "a per-day table (YouTube Totals.csv or Chart data.csv, TikTok Overview.csv or "
    "FollowerHistory.csv)"
)


def totals(daily: pl.DataFrame) -> pl.DataFrame:
    """(metric, date, value): channel totals per day, one row per metric and date."""
    import polars as pl

    frame = daily.drop_nulls(["date", "metric", "value"])
    if "dimension" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("dimension"))
    whole = frame.filter(pl.col("dimension").is_null())
    have = set(whole.get_column("metric").unique().to_list())
    split = frame.filter(pl.col("dimension").is_not_null() & ~pl.col("metric").is_in(list(have)))
    if split.height:
        first = split.group_by("metric").agg(pl.col("dimension").min().alias("first"))
        split = split.join(first, on="metric").filter(pl.col("dimension") == pl.col("first"))
        whole = pl.concat(
            [whole.select("date", "metric", "value"), split.select("date", "metric", "value")]
        )
    return (
        whole.select("date", "metric", "value")
        .group_by("metric", "date")
        .agg(pl.col("value").sum())
        .sort("metric", "date")
    )


def trends(daily: pl.DataFrame | None, seed: int = 0) -> dict[str, Any]:
    import polars as pl

    if daily is None or daily.height == 0:
        return {"status": "needs", "needs": NEEDS, "series": []}
    table = totals(daily)
    rng = np.random.default_rng(seed)
    series = []
    names = table.get_column("metric").unique().to_list()
    for metric in sorted(names, key=lambda m: (TRENDED.index(m) if m in TRENDED else 99, m)):
        if metric not in TRENDED:
            continue
        rows = (
            table.filter(pl.col("metric") == metric)
            .with_columns(pl.col("date").cast(pl.Date))
            .sort("date")
        )
        rows = rows.with_columns(
            pl.col("value").rolling_median_by("date", window_size="7d").alias("median7")
        )
        series.append(_series(metric, rows, rng))
    if not series:
        found = ", ".join(sorted(names)[:6]) or "none"
        return {
            "status": "needs",
            "needs": f"per-day views, followers or revenue (the daily table has {found})",
            "series": [],
        }
    return {"status": "ok", "needs": None, "level": LEVEL, "series": series}


def _series(metric: str, rows: pl.DataFrame, rng: np.random.Generator) -> dict[str, Any]:
    import polars as pl

    kind = "level" if metric in LEVELS else "sum"
    dates = rows.get_column("date")
    first, last = dates.min(), dates.max()
    out: dict[str, Any] = {
        "metric": metric,
        "kind": kind,
        "days": rows.height,
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "latest": float(rows.get_column("value")[-1]),
        "latest_median7": float(rows.get_column("median7")[-1]),
        "values": [
            {"date": d.isoformat(), "value": float(v), "median7": float(m)}
            for d, v, m in rows.select("date", "value", "median7").iter_rows()
        ],
    }
    # week over week: the last 7 calendar days against the 7 before them
    if kind == "level":
        per_day = rows.with_columns(pl.col("value").diff().alias("value")).drop_nulls("value")
    else:
        per_day = rows
    this = per_day.filter(pl.col("date") > pl.lit(last) - pl.duration(days=7))
    prev = per_day.filter(
        (pl.col("date") <= pl.lit(last) - pl.duration(days=7))
        & (pl.col("date") > pl.lit(last) - pl.duration(days=14))
    )
    if this.height < 4 or prev.height < 4:
        out["wow"] = None
        out["wow_needs"] = "14 days of data ending on the last day"
        return out
    a = this.get_column("value").to_numpy()
    b = prev.get_column("value").to_numpy()
    this_week, last_week = float(a.sum()), float(b.sum())
    # means, not sums: a week with a missing day is not a drop
    change = float(a.mean() / b.mean()) - 1.0 if b.mean() > 0 else None
    ci = None
    if change is not None:
        da = a[rng.integers(0, len(a), (DRAWS, len(a)))].mean(axis=1)
        db = b[rng.integers(0, len(b), (DRAWS, len(b)))].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(db > 0, da / np.where(db > 0, db, 1.0) - 1.0, np.nan)
        ci = percentile_interval(ratio)
    out["wow"] = {
        "this_week": this_week,
        "last_week": last_week,
        "change": change,
        "ci": ci,
        "days": [this.height, prev.height],
    }
    out["wow_needs"] = None
    return out
